#!/usr/bin/env python3
"""Minimal QMP client for the stpwatch lab (stdlib only).

Usage:
  qmp.py SOCKET hmp 'info network'     run a human monitor command, print text
  qmp.py SOCKET cmd NAME [JSON-ARGS]   run a QMP command, print JSON result
  qmp.py SOCKET wait [TIMEOUT]         wait until the socket answers
"""
import json
import socket
import sys
import time


class QMP:
    def __init__(self, path, timeout=5.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.buf = b""
        greeting = self._read()
        if "QMP" not in greeting:
            raise RuntimeError("no QMP greeting on %s" % path)
        self.execute("qmp_capabilities")

    def _read(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("QMP connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def execute(self, name, args=None):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            reply = self._read()
            if "event" in reply:
                continue
            if "error" in reply:
                raise RuntimeError("%s: %s" % (name, reply["error"].get("desc")))
            return reply.get("return")


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    path, verb = argv[1], argv[2]
    if verb == "wait":
        limit = float(argv[3]) if len(argv) > 3 else 10.0
        end = time.monotonic() + limit
        while True:
            try:
                QMP(path, timeout=1.0)
                return 0
            except (OSError, RuntimeError):
                if time.monotonic() > end:
                    sys.stderr.write("qmp.py: %s did not answer in %.0fs\n" % (path, limit))
                    return 1
                time.sleep(0.05)
    q = QMP(path)
    if verb == "hmp":
        out = q.execute("human-monitor-command", {"command-line": " ".join(argv[3:])})
        sys.stdout.write(out)
    elif verb == "cmd":
        args = json.loads(argv[4]) if len(argv) > 4 else None
        print(json.dumps(q.execute(argv[3], args), indent=1))
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
