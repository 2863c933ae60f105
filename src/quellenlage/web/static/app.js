// quellenlage pages: show cited words beside the story, log in, add articles.
// Text from articles is only ever set with textContent, never parsed as markup.
"use strict";

const articles = new Map();

async function fetchArticle(id) {
  if (!articles.has(id)) {
    const response = await fetch(`/api/articles/${encodeURIComponent(id)}`);
    if (!response.ok) throw new Error(`article ${id}: HTTP ${response.status}`);
    articles.set(id, await response.json());
  }
  return articles.get(id);
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

async function showEvidence(link) {
  const panel = document.getElementById("evidence");
  const id = link.dataset.article;
  const start = Number(link.dataset.start);
  const end = Number(link.dataset.end);
  const article = await fetchArticle(id);
  const body = panel.querySelector(".evidence-text");
  const mark = element("mark", article.text.slice(start, end), "cited");
  body.replaceChildren(document.createTextNode(article.text.slice(0, start)), mark,
    document.createTextNode(article.text.slice(end)));
  panel.querySelector(".evidence-outlet").textContent = article.outlet || article.agencies.join("/") || "";
  panel.querySelector(".evidence-title").textContent = article.title || "";
  panel.querySelector(".evidence-open").href = link.getAttribute("href");
  document.querySelectorAll(".active-figure").forEach((n) => n.classList.remove("active-figure"));
  link.classList.add("active-figure");
  panel.hidden = false;
  mark.scrollIntoView({ block: "center" });
}

function setUpEvidence() {
  const panel = document.getElementById("evidence");
  if (!panel) return;
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a.figure, a.cite");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    showEvidence(link).catch((error) => {
      panel.querySelector(".evidence-text").textContent = String(error);
      panel.hidden = false;
    });
  });
  panel.querySelector(".evidence-close").addEventListener("click", () => { panel.hidden = true; });
}

function setUpLogin() {
  const form = document.getElementById("login");
  if (!form) return;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const token = new FormData(form).get("token");
    document.cookie = `quellenlage_token=${encodeURIComponent(token)}; path=/; SameSite=Strict`;
    window.location.assign(form.dataset.next || "/");
  });
}

function requestFor(form) {
  const data = new FormData(form);
  if (form.id === "add-files") {
    if (!data.get("columns")) data.delete("columns");
    return { body: data, headers: {} };
  }
  let payload;
  if (form.id === "add-urls") {
    payload = { urls: String(data.get("urls")).split(/\s+/).filter(Boolean) };
  } else {
    payload = {};
    for (const [key, value] of data.entries()) if (String(value).trim()) payload[key] = value;
  }
  return { body: JSON.stringify(payload), headers: { "Content-Type": "application/json" } };
}

function showResult(status, result) {
  const section = document.getElementById("result");
  section.hidden = false;
  const added = (result.articles || []).filter((a) => a.new).length;
  const line = result.error || (status >= 400 ? `HTTP ${status}` : `${added} new article(s), ${(result.articles || []).length - added} already stored.`);
  section.querySelector(".result-status").textContent = line;
  const stories = section.querySelector(".result-stories");
  stories.replaceChildren(...(result.stories || []).map((s) => {
    const item = element("li");
    const link = element("a", s.label || s.id);
    link.href = `/stories/${encodeURIComponent(s.id)}`;
    item.append(link, document.createTextNode(` (${s.articles} reports)`));
    return item;
  }));
  section.querySelector(".result-failures").replaceChildren(
    ...(result.failures || []).map((f) => element("li", `${f.origin}: ${f.reason}`, "failure")));
}

function setUpAdd() {
  const tokenField = document.getElementById("token");
  if (!tokenField) return;
  tokenField.value = sessionStorage.getItem("quellenlage-token") || "";
  tokenField.addEventListener("change", () => sessionStorage.setItem("quellenlage-token", tokenField.value));
  document.querySelectorAll("form.add").forEach((form) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = form.querySelector("button");
      button.disabled = true;
      const { body, headers } = requestFor(form);
      headers.Authorization = `Bearer ${tokenField.value}`;
      try {
        const response = await fetch(form.dataset.endpoint, { method: "POST", body, headers });
        const result = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
        showResult(response.status, result);
      } catch (error) {
        showResult(0, { error: String(error) });
      } finally {
        button.disabled = false;
      }
    });
  });
}

setUpEvidence();
setUpLogin();
setUpAdd();
