#!/usr/bin/python3
"""nc_exec_protocol_schema_test: every example message in PROTOCOL.md is valid under
protocol.schema.json (requests as requests, answers as answers, each result under its
method's result schema), and the schema rejects broken messages.

  protocol_schema_test.py PROTOCOL.md protocol.schema.json

Needs python3-jsonschema (Debian), hence /usr/bin/python3.
"""
import copy
import json
import re
import sys
import unittest

import jsonschema

DOC, SCHEMA = sys.argv[1], sys.argv[2]


def doc_messages(text):
    """The JSON messages of the document's code blocks: each starts at a line beginning
    with {"id" and may continue over indented lines until its braces balance."""
    out, buf = [], None
    for block in re.findall(r"```\n(.*?)```", text, re.S):
        for line in block.splitlines():
            line = re.sub(r"^(request|answer|     or)\s+", "", line)
            if buf is None and not line.startswith('{"id"'):
                continue
            buf = (buf or "") + line.strip()
            try:
                out.append(json.loads(buf))
                buf = None
            except json.JSONDecodeError:
                pass
        assert buf is None, f"unfinished message in {DOC}: {buf}"
    assert buf is None, f"unfinished message in {DOC}: {buf}"
    return out


class ProtocolSchema(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(SCHEMA, encoding="utf-8") as f:
            cls.schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(cls.schema)
        cls.line = jsonschema.Draft202012Validator(cls.schema)
        with open(DOC, encoding="utf-8") as f:
            cls.messages = doc_messages(f.read())

    def validator(self, name):
        return jsonschema.Draft202012Validator({"$ref": f"#/$defs/{name}", "$defs": self.schema["$defs"]})

    def requests(self):
        return [m for m in self.messages if "method" in m]

    def test_document_has_every_method(self):
        methods = {m["method"] for m in self.requests()}
        self.assertEqual(methods, set(self.schema["$defs"]["result_of"]["properties"]))

    def test_every_example_is_valid(self):
        method_of = {}
        for m in self.messages:
            self.line.validate(m)
            if "method" in m:
                self.validator("request").validate(m)
                method_of[m["id"]] = m["method"]
            else:
                self.validator("answer").validate(m)
                if "result" in m:
                    ref = self.schema["$defs"]["result_of"]["properties"][method_of[m["id"]]]["$ref"]
                    self.validator(ref.split("/")[-1]).validate(m["result"])

    def assert_invalid(self, name, msg, mutate, why):
        broken = copy.deepcopy(msg)
        mutate(broken)
        self.assertTrue(list(self.validator(name).iter_errors(broken)), f"schema accepted {why}")

    def test_broken_requests_rejected(self):
        create = next(m for m in self.requests() if m["method"] == "create_container")
        self.assert_invalid("request", create, lambda m: m.pop("id"), "a request without id")
        self.assert_invalid("request", create, lambda m: m.update(method="launch"), "an unknown method")
        self.assert_invalid("request", create, lambda m: m["params"].pop("name"), "a container without name")
        self.assert_invalid("request", create, lambda m: m["params"]["publish"][0].update(proto="sctp"), "proto sctp")
        self.assert_invalid("request", create, lambda m: m["params"]["networks"][0].update(aliases="api"),
                            "aliases as a string")
        ex = next(m for m in self.requests() if m["method"] == "exec")
        self.assert_invalid("request", ex, lambda m: m["params"].update(timeout_ms="3000"), "a string timeout")

    def test_broken_answers_rejected(self):
        ok = {"id": 3, "result": {}}
        self.assert_invalid("answer", ok, lambda m: m.update(error={"message": "x"}), "both result and error")
        self.assert_invalid("answer", ok, lambda m: m.pop("result"), "neither result nor error")
        self.assert_invalid("answer", ok, lambda m: m.update(id="3"), "a string id")
        self.assert_invalid("answer", {"id": 3, "error": {}}, lambda m: None, "an error without message")
        info = {"name": "web", "endpoints": [{"network": "b", "ip": "10.0.0.2", "prefix_len": 8}], "ports": []}
        self.validator("container_info").validate(info)
        self.assert_invalid("container_info", info, lambda r: r.pop("endpoints"), "no endpoints")
        self.assert_invalid("container_info", info, lambda r: r["endpoints"][0].update(prefix_len="8"),
                            "a string prefix_len")
        self.assert_invalid("exec_result", {"exit_code": 0, "out": ""}, lambda r: None, "no err")
        self.assert_invalid("network_info", {"name": "n", "driver": "bridge", "subnet": "10.0.0.0"}, lambda r: None,
                            "a subnet without length")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
