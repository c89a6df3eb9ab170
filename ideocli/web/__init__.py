"""ideo in a browser: HTML pages built from the library (`pages`), served (`server`) or exported (`export`).

Loaded only by `ideo serve` and `ideo export html`; nothing here imports Click or Rich.
"""
