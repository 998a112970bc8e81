#!/usr/bin/env python3
"""Serves dist/ on 127.0.0.1 and prints the URL (the app opens the bundled sample trace).

Usage: serve.py [PORT]   (default 8123; 0 picks a free port)
"""
import functools
import http.server
import sys
from pathlib import Path

dist = Path(__file__).resolve().parent.parent / "dist"


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm",
                      ".js": "text/javascript"}

    def log_message(self, fmt, *args):
        pass


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8123
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Handler, directory=str(dist)))
    print(f"gotrace is at http://127.0.0.1:{server.server_address[1]}/  (the sample trace opens; "
          f"drop your own trace on the page; Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
