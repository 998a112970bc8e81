#!/usr/bin/env python3
"""Makes the self-contained gotrace.html from a built dist/ folder.

Usage: single_file.py DIST OUT.html

Everything is inlined: the stylesheet, the page's scripts, the wasm-bindgen glue and the
worker (as text the page turns into a Blob worker), the wasm (base64, compiled by the page
and handed to the worker) and the sample trace (base64). The Content-Security-Policy allows
exactly the inlined scripts and style, by hash. The file works when opened from file://.
"""
import base64
import hashlib
import re
import sys
from pathlib import Path


def sha(text):
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def data_block(id_, text):
    if "</script" in text.lower():
        sys.exit(f"single_file.py: {id_} contains '</script' and cannot be inlined")
    return f'<script type="text/plain" id="{id_}">{text}</script>'


def main():
    dist, out = Path(sys.argv[1]), Path(sys.argv[2])
    html = (dist / "index.html").read_text()
    script_hashes, style_hashes = [], []

    def inline_script(m):
        code = (dist / m.group(1)).read_text()
        if "</script" in code.lower():
            sys.exit(f"single_file.py: {m.group(1)} contains '</script'")
        script_hashes.append(sha(code))
        return f"<script>{code}</script>"

    def inline_style(m):
        css = (dist / m.group(1)).read_text()
        style_hashes.append(sha(css))
        return f"<style>{css}</style>"

    html = re.sub(r'<script src="([^"]+)"></script>', inline_script, html)
    html = re.sub(r'<link rel="stylesheet" href="([^"]+)">', inline_style, html)
    blocks = "\n".join([
        data_block("gotrace-glue-src", (dist / "pkg/gotrace_wasm.js").read_text()),
        data_block("gotrace-worker-src", (dist / "worker.js").read_text()),
        data_block("gotrace-wasm-b64", base64.b64encode((dist / "pkg/gotrace_wasm_bg.wasm").read_bytes()).decode()),
        data_block("gotrace-sample-b64", base64.b64encode((dist / "sample.trace").read_bytes()).decode()),
    ])
    # The data blocks come before the page's scripts, which read them.
    first = html.index("<script>")
    html = html[:first] + blocks + "\n" + html[first:]
    csp = ("default-src 'none'; script-src " + " ".join(script_hashes) + " 'wasm-unsafe-eval'; "
           "worker-src blob:; connect-src https: http://localhost:* http://127.0.0.1:*; img-src data: blob:; "
           "style-src " + " ".join(style_hashes) + "; object-src 'none'; base-uri 'none'; form-action 'none'")
    html, n = re.subn(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">',
                      f'<meta http-equiv="Content-Security-Policy" content="{csp}">', html)
    if n != 1:
        sys.exit("single_file.py: no Content-Security-Policy meta in index.html")
    out.write_text(html)


if __name__ == "__main__":
    main()
