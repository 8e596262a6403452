#!/usr/bin/env python3
"""Print the route table of docs/api.md from a running server's OpenAPI document.

    go run ./cmd/autoevent serve --addr 127.0.0.1:18090 --data-dir /tmp/ae &
    curl -s 127.0.0.1:18090/api/v1/openapi.json | scripts/api-table.py
"""
import json, sys

doc = json.load(sys.stdin)
rows = []
for path, ops in doc["paths"].items():
    for method, op in ops.items():
        access = "owner" if "security" in op else "public"
        rows.append((op["tags"][0], path, method.upper(), access, op.get("summary", "")))
order = {"user": 0, "event": 1, "ai": 2, "participation": 3}
rows.sort(key=lambda r: (order.get(r[0], 9), r[1], r[2]))
print("| service | method | path | access | what |")
print("| --- | --- | --- | --- | --- |")
for svc, path, method, access, summary in rows:
    print(f"| {svc} | {method} | `{path}` | {access} | {summary.replace('|', '/')} |")
