"""What outlives one launch: request files, environment files and the send history.

No Textual, httpx, Starlette or uvicorn here: the headless commands use these modules too.
"""
