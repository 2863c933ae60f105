"""Web app and REST API over the store: browse stories, compare sources, add articles.

``create_app(Settings(...))`` builds the FastAPI app; ``quellenlage serve`` runs it with uvicorn.
Requests only read the store; every write goes to one writer process (``writer``), which runs the
stages, keeps stories forming online and stores what the pages show (``digest``).
This package imports nothing heavy here, so that the command line starts fast.
"""
