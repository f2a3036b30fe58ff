#!/usr/bin/env python3
"""Bring docs/openapi.json in step with the routes the server registers.

Usage: build/release/fazhi --db sqlite:/tmp/routes.db routes > /tmp/routes.json
       python3 tools/openapi_sync.py /tmp/routes.json

Adds an operation skeleton for every served route that is not documented (summary "TODO: …", to
be written by hand), removes documented operations that are no longer served, and rewrites each
operation's x-permission / security from the route table. Hand-written summaries, descriptions,
parameters and bodies are kept. tests/http/openapi_test.cpp fails while any summary says TODO.
"""
import json
import re
import sys
from pathlib import Path

SPEC = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"


def skeleton():
    err = {"$ref": "#/components/responses/Error"}
    return {
        "openapi": "3.0.3",
        "info": {"title": "fazhi 法治 API", "version": "0.1.0",
                 "description": "公安执法规范化管理平台接口。错误统一为 {\"error\":{\"code\",\"message\",\"field\"}}。"},
        "servers": [{"url": "/"}],
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "fazhi_session"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token"},
            },
            "schemas": {
                "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {
                    "code": {"type": "string"}, "message": {"type": "string"},
                    "field": {"type": "string", "nullable": True, "description": "出错的字段；与具体字段无关时为 null"}},
                    "required": ["code", "message", "field"]}}},
            },
            "responses": {
                "Error": {"description": "错误（4xx/5xx），message 为中文说明",
                          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            },
        },
        "paths": {},
    }


def main():
    routes = json.loads(Path(sys.argv[1]).read_text())
    spec = json.loads(SPEC.read_text()) if SPEC.exists() else skeleton()
    served = {}
    for r in routes:
        served[(r["method"].lower(), r["path"])] = r
    paths = spec.setdefault("paths", {})
    for path in list(paths):
        for method in list(paths[path]):
            if method != "parameters" and (method, path) not in served:
                del paths[path][method]
        if not [m for m in paths[path] if m != "parameters"]:
            del paths[path]
    for (method, path), r in sorted(served.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        op = paths.setdefault(path, {}).setdefault(method, {"summary": f"TODO: {method.upper()} {path}"})
        params = [{"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
                  for n in re.findall(r"{(\w+)}", path)]
        if params:
            paths[path].setdefault("parameters", params)
        if r["public"]:
            op["security"] = []
            op.pop("x-permission", None)
        else:
            op["security"] = [{"session": [], "csrf": []}] if method != "get" else [{"session": []}]
            if r["permission"]:
                op["x-permission"] = r["permission"]
            else:
                op.pop("x-permission", None)
        op.setdefault("responses", {"200": {"description": "成功"}, "4XX": {"$ref": "#/components/responses/Error"}})
    spec["paths"] = dict(sorted(paths.items()))
    SPEC.write_text(json.dumps(spec, ensure_ascii=False, indent=1) + "\n")
    todo = sum(1 for p in paths.values() for m, o in p.items() if m != "parameters" and o["summary"].startswith("TODO"))
    print(f"{len(served)} routes; {todo} operations still need a summary")


if __name__ == "__main__":
    main()
