"""A small HTTP file server for the download/refresh tests, standing in for
download.cms.gov: serves one directory on 127.0.0.1 (port 0 = any free port,
written to PORT_FILE), honours single "Range: bytes=N-" requests with 206,
and can drop the connection of the first ZIP download after CUT bytes so the
client's resume is exercised. Run with Debian's /usr/bin/python3:

    range_server.py DIR PORT_FILE [CUT [SUFFIX]]

SUFFIX (default .zip) names the files whose first download is cut.
Environment, for the cluster harness (tests/cluster): RANGE_SERVER_BIND
(address to listen on, default 127.0.0.1), RANGE_SERVER_RATE (bytes per
second per download, default unlimited) and RANGE_SERVER_LOG (a file that
gets one line per request: client address, path, Range header).
"""
import http.server
import os
import socketserver
import sys
import time

ROOT, PORT_FILE = sys.argv[1], sys.argv[2]
CUT = int(sys.argv[3]) if len(sys.argv) > 3 else 0
SUFFIX = sys.argv[4] if len(sys.argv) > 4 else ".zip"
BIND = os.environ.get("RANGE_SERVER_BIND", "127.0.0.1")
RATE = int(os.environ.get("RANGE_SERVER_RATE", "0"))
LOG = os.environ.get("RANGE_SERVER_LOG", "")
state = {"cut_done": False}


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        path = os.path.join(ROOT, os.path.basename(self.path.split("?")[0]))
        if not os.path.isfile(path):
            self.send_error(404)
            return
        with open(path, "rb") as f:
            data = f.read()
        start = 0
        rng = self.headers.get("Range")
        if LOG:
            with open(LOG, "a") as f:
                f.write("%s %s %s\n" % (self.client_address[0], self.path, rng or "-"))
        if rng and rng.startswith("bytes=") and rng.endswith("-"):
            start = int(rng[6:-1])
            if start >= len(data):
                self.send_response(416)
                self.send_header("Content-Range", "bytes */%d" % len(data))
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))
        else:
            self.send_response(200)
        body = data[start:]
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        if CUT and path.endswith(SUFFIX) and not state["cut_done"] and start == 0:
            state["cut_done"] = True
            self.wfile.write(body[:CUT])
            self.wfile.flush()
            self.close_connection = True
            return  # the client sees a short body
        if RATE <= 0:
            self.wfile.write(body)
            return
        chunk = max(1, RATE // 20)
        for at in range(0, len(body), chunk):
            self.wfile.write(body[at:at + chunk])
            time.sleep(0.05)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


with Server((BIND, int(os.environ.get("RANGE_SERVER_PORT", "0"))), Handler) as httpd:
    with open(PORT_FILE + ".tmp", "w") as f:
        f.write(str(httpd.server_address[1]))
    os.rename(PORT_FILE + ".tmp", PORT_FILE)
    httpd.serve_forever()
