#!/usr/bin/python3
"""nc_report_schema_test: the reports the writers produce match report.schema.json, and the
schema is strict enough to reject broken ones.

  schema_test.py SAMPLE_PROGRAM SCHEMA

SAMPLE_PROGRAM (nc_report_sample) writes the sample report (every status) as JSON and
JUnit XML. The JSON must validate; mutated copies (unknown status, missing fields, bad
summary) must not. The JUnit XML must parse and have the documented structure.
Needs python3-jsonschema (Debian), hence /usr/bin/python3.
"""
import copy
import json
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

import jsonschema

SAMPLE, SCHEMA = sys.argv[1], sys.argv[2]


def write_sample(tmp):
    out_json, out_xml = f"{tmp}/sample.json", f"{tmp}/sample.xml"
    subprocess.run([SAMPLE, out_json, out_xml], check=True)
    with open(out_json, encoding="utf-8") as f:
        report = json.load(f)
    return report, ET.parse(out_xml).getroot()


class ReportSchema(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(SCHEMA, encoding="utf-8") as f:
            cls.schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(cls.schema)
        cls.validator = jsonschema.Draft202012Validator(cls.schema)
        with tempfile.TemporaryDirectory() as tmp:
            cls.report, cls.junit = write_sample(tmp)

    def assert_invalid(self, mutate, why):
        broken = copy.deepcopy(self.report)
        mutate(broken)
        errors = list(self.validator.iter_errors(broken))
        self.assertTrue(errors, f"schema accepted a report with {why}")

    def test_written_report_is_valid(self):
        self.validator.validate(self.report)

    def test_sample_has_every_status(self):
        statuses = {r["status"] for r in self.report["results"]}
        self.assertEqual(statuses, {"pass", "fail", "skip", "xfail", "xpass"})
        self.assertEqual(self.report["summary"], {"pass": 2, "fail": 1, "skip": 1, "xfail": 1, "xpass": 1})

    def test_unknown_status_rejected(self):
        self.assert_invalid(lambda r: r["results"][0].update(status="maybe"), 'status "maybe"')

    def test_missing_required_fields_rejected(self):
        for path in (["schema_version"], ["runtime"], ["kernel"], ["results"], ["summary"],
                     ["runtime", "version"], ["summary", "xpass"]):
            def drop(r, path=path):
                obj = r
                for key in path[:-1]:
                    obj = obj[key]
                del obj[path[-1]]
            self.assert_invalid(drop, "no " + ".".join(path))
        for field in ("id", "title", "suite", "status", "reason", "duration_ms", "steps"):
            self.assert_invalid(lambda r, f=field: r["results"][1].pop(f), f"a result without {field}")

    def test_bad_types_rejected(self):
        self.assert_invalid(lambda r: r["summary"].update({"fail": "1"}), "a string count")
        self.assert_invalid(lambda r: r.update(schema_version=2), "schema_version 2")
        self.assert_invalid(lambda r: r["results"][1]["steps"][0].update(ok="yes"), "a string ok")


class JunitStructure(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with tempfile.TemporaryDirectory() as tmp:
            _, cls.root = write_sample(tmp)

    def case(self, name):
        found = self.root.findall(f".//testcase[@name='{name}']")
        self.assertEqual(len(found), 1, name)
        return found[0]

    def test_totals(self):
        self.assertEqual(self.root.tag, "testsuites")
        self.assertEqual(self.root.get("tests"), "6")
        self.assertEqual(self.root.get("failures"), "2")  # fail + xpass
        self.assertEqual(self.root.get("skipped"), "1")

    def test_one_suite_per_runtime_and_suite(self):
        names = [s.get("name") for s in self.root.findall("testsuite")]
        self.assertEqual(names, ["netimpl.conformance", "docker.conformance", "netimpl.scenarios"])
        for suite in self.root.findall("testsuite"):
            for case in suite.findall("testcase"):
                self.assertEqual(case.get("classname"), suite.get("name"))

    def test_statuses_map_to_junit(self):
        failure = self.case("BR-002").find("failure")
        self.assertIn("expected <ok> & got \"timeout\" 'x'\\x01\\x1b[31m", failure.get("message"))
        self.assertIn("web connect tcp://172.18.0.3:8080", failure.text)
        self.assertIn("timeout", failure.text)
        self.assertEqual(self.case("DRV-004").find("skipped").get("message"),
                         "kernel lacks ipvlan (kernel lacks CONFIG_IPVLAN)")
        xfail = self.case("PORT-007")
        self.assertIsNone(xfail.find("failure"))
        self.assertTrue(xfail.find("system-out").text.startswith("expected failure: "))
        self.assertTrue(self.case("DNS-009").find("failure").get("message").startswith("unexpected pass: "))
        self.assertEqual(len(self.case("BR-001")), 0)
        self.assertEqual(self.case("BR-001").get("time"), "0.041")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
