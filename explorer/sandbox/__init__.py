"""A faithful local Open API: the eleven endpoints, in-memory state, and verification that says why.

Entry points: `runner.start_background` (a running server and a handle), `demo.load_or_create_demo_app`
(the demo app's ids and keys), `app.build_app` (the bare ASGI app). Imports signing, crypto,
endpoints, Starlette and uvicorn; never Textual.
"""
