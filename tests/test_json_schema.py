"""Every command's --json record follows schema/deriv-1.schema.json (issue 13, item 5).

The schema is checked by a small validator of the part of JSON Schema it uses (type, const,
enum, properties, required, additionalProperties, items, minimum, anyOf, oneOf, allOf and local
$ref), so the test needs no package beyond pytest; the validator's own test plants violations.
"""

import json
import math

import pytest
import sympy

from conftest import ROOT

SCHEMA = json.loads((ROOT / "schema" / "deriv-1.schema.json").read_text(encoding="utf-8"))
TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def _is_type(value, name: str) -> bool:
    if name in ("number", "integer"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        return name == "number" or float(value).is_integer()
    return isinstance(value, TYPES[name])


def violations(value, schema: dict, where: str = "$") -> list[str]:
    """What is wrong with ``value`` under ``schema`` (empty when it is valid)."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        return violations(value, SCHEMA["$defs"][name], where)
    found = []
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is_type(value, name) for name in names):
            return [f"{where}: {value!r:.60} is not {' or '.join(names)}"]
    if "const" in schema and value != schema["const"]:
        found.append(f"{where}: {value!r:.60} is not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {value!r:.60} is not one of {schema['enum']}")
    if "minimum" in schema and _is_type(value, "number") and value < schema["minimum"]:
        found.append(f"{where}: {value} is below {schema['minimum']}")
    if isinstance(value, dict):
        found += _object_violations(value, schema, where)
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            found += violations(item, schema["items"], f"{where}[{index}]")
    for part in schema.get("allOf", []):
        found += violations(value, part, where)
    if "anyOf" in schema and all(violations(value, part, where) for part in schema["anyOf"]):
        found.append(f"{where}: matches none of anyOf: " + "; ".join(
            violations(value, part, where)[0] for part in schema["anyOf"]))
    if "oneOf" in schema:
        results = [violations(value, part, where) for part in schema["oneOf"]]
        matching = sum(1 for result in results if not result)
        if matching != 1:
            closest = min(results, key=len)
            found.append(f"{where}: matches {matching} of oneOf (closest: {closest[:3]})")
    return found


def _object_violations(value: dict, schema: dict, where: str) -> list[str]:
    found = [f"{where}: '{key}' is missing" for key in schema.get("required", []) if key not in value]
    properties = schema.get("properties", {})
    for key, item in value.items():
        if key in properties:
            found += violations(item, properties[key], f"{where}.{key}")
        elif schema.get("additionalProperties") is False:
            found.append(f"{where}: '{key}' is not in the schema")
        elif isinstance(schema.get("additionalProperties"), dict):
            found += violations(item, schema["additionalProperties"], f"{where}.{key}")
    return found


def assert_valid(record: dict) -> None:
    wrong = violations(record, SCHEMA)
    assert not wrong, "\n".join(wrong)


SAMPLES = [
    ("diff", "x**2", "--at", "3"),
    ("diff", "sin(x**2)"),
    ("diff", "x**2*y", "--wrt", "x", "--wrt", "y", "--at", "x=1,y=2", "--no-steps"),
    ("diff", "sin(x)**2", "--expect", "2*sin(x)"),
    ("diff", "erf(x)", "--strict"),
    ("eval", "x**3", "--at", "1/3", "--at", "2", "--order", "2"),
    ("eval", "1/x", "--at", "0", "--at", "1"),
    ("eval", "pi", "--at", "0", "--numeric", "--expect", "3.1415"),
    ("eval", "x*y", "--at", "x=1,y=2"),
    ("critical", "x**3 - 3*x"),
    ("critical", "sin(x)"),
    ("critical", "sin(x)", "--in", "0:2*pi"),
    ("critical", "exp(x)"),
    ("critical", "x**2 + y**2 - 2*x"),
    ("classify", "x**3 - 3*x"),
    ("classify", "x**2 - y**2"),
    ("classify", "x**3 - 3*x", "--in", "-2:3", "--inflections"),
    ("classify", "x**2", "--at", "0", "--expect", "maximum"),
    ("classify", "cos(x)"),
    ("descend", "x**2", "--from", "3"),
    ("descend", "(x - 3)**2 + (y + 1)**2", "--at", "x=0,y=0", "--method", "newton"),
    ("descend", "x**2", "--from", "3", "--lr", "1.5"),
    ("descend", "x**2", "--from", "3", "--max-iter", "3", "--method", "momentum"),
    ("diff", "x**2*y", "--gradient"),
    ("diff", "x**2*y + sin(x*y)", "--gradient", "--at", "x=1,y=pi/3", "--tangent"),
    ("diff", "x*y", "--gradient", "--expect", "[y, y]"),
    ("diff", "x**2*y + exp(x*y)", "--hessian"),
    ("diff", "x**2*y + exp(x*y)", "--hessian", "--at", "x=1/2,y=2", "--no-steps"),
    ("diff", "x**2 + y**2 + z**2 + w**2 + x*y + x*z*w", "--hessian", "--at", "x=1,y=2,z=3,w=4", "--no-steps"),
    ("diff", "[x*y, sin(x) + y]", "--jacobian"),
    ("diff", "[x*y, sin(x) + y]", "--jacobian", "--at", "x=pi/6,y=2"),
    ("diff", "x**2 + y**2 = 1"),
    ("diff", "x**2 + y**2 = 1", "--order", "2", "--at", "x=1/2,y=sqrt(3)/2"),
    ("diff", "x*y = 1", "--at", "x=2,y=1/2", "--tangent"),
    ("diff", "open('/etc/passwd')"),
    ("diff", "x**2", "--nosuch"),
    ("eval", "x**2"),
    ("critical", "x**2", "--in", "3"),
]


@pytest.mark.parametrize("args", SAMPLES, ids=[" ".join(args) for args in SAMPLES])
def test_every_record_follows_the_schema(invoke, args):
    result = invoke(*args, "--json")
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.output
    record = json.loads(lines[0])
    assert_valid(record)
    assert record["schema"] == "deriv/1" and record["command"] == args[0]
    assert ("error" in record) == (result.exit_code == 2)


def test_batch_records_carry_their_lines_and_follow_the_schema(invoke):
    result = invoke("diff", "-", "--json", input="x**2 => 2*x\n# comment\nopen(1)\nsin(x) => sin(x)\n")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [record["line"] for record in records] == [1, 3, 4]
    for record in records:
        assert_valid(record)
    assert records[1]["error"]["kind"] == "usage" and records[2]["problems"][0]["kind"] == "expectation_failed"


def _read(text: str):
    """The test's own reading of an exact string of deriv's output (sympy syntax, no user text)."""
    return sympy.sympify(text)


def _twin_of(exact, numeric, where: str) -> int:
    """Assert that ``numeric`` is the float of ``exact`` (point, vector, matrix or value), null where
    the exact value is not a finite real; the number of pairs compared."""
    if isinstance(exact, dict):
        assert isinstance(numeric, dict) and list(numeric) == list(exact), where
        return sum(_twin_of(exact[key], numeric[key], f"{where}.{key}") for key in exact)
    if isinstance(exact, list):
        assert isinstance(numeric, list) and len(numeric) == len(exact), where
        return sum(_twin_of(e, n, f"{where}[{i}]") for i, (e, n) in enumerate(zip(exact, numeric)))
    if exact is None:
        assert numeric is None, where
        return 0
    value = complex(_read(exact).evalf(30))
    if value.imag != 0 or not math.isfinite(value.real):
        assert numeric is None, f"{where}: {exact} has no finite real number, yet {numeric}"
    else:
        assert numeric == float(sympy.Float(_read(exact).evalf(30), 30)), f"{where}: {exact} != {numeric}"
    return 1


def numeric_twins(record) -> tuple[set, int]:
    """Every ``key``/``key_numeric`` pair of the record (at any depth) checked; their key names and
    the number of values compared."""
    names, count = set(), 0
    pending = [("$", record)]
    while pending:
        where, node = pending.pop()
        children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
        for key, child in children:
            pending.append((f"{where}.{key}", child))
            if isinstance(node, dict) and f"{key}_numeric" in node:
                names.add(key)
                count += _twin_of(child, node[f"{key}_numeric"], f"{where}.{key}")
    return names, count


FORM_TWINS = [
    (["x**2*y + sin(x*y)", "--gradient", "--at", "x=1,y=pi/3"], {"at", "norm", "value"}, 2 + 2 + 1),
    (["x**2*y + exp(x*y)", "--hessian", "--at", "x=1/2,y=2"], {"at", "value", "values", "eigenvalues"},
     2 + 2 + 3 + 4 + 2),
    (["x**2 + y**2 + z**2 + w**2 + x*y + x*z*w", "--hessian", "--at", "x=1,y=2,z=3,w=4"],
     {"at", "value", "values", "eigenvalues"}, 4 + 4 + 10 + 16 + 4),
    (["[x*y, sin(x) + y]", "--jacobian", "--at", "x=pi/6,y=2"], {"at", "value", "values"}, 2 + 4 + 4),
    (["x**2 + y**2 = 1", "--order", "2", "--at", "x=1/2,y=sqrt(3)/2"], {"at", "value"}, 2 + 1),
]


@pytest.mark.parametrize("arguments, names, count", FORM_TWINS, ids=[" ".join(a) for a, _, _ in FORM_TWINS])
def test_each_diff_form_gives_every_exact_value_its_numeric_twin(invoke, arguments, names, count):
    result = invoke("diff", *arguments, "--json", "--no-steps")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert_valid(record)
    assert numeric_twins(record) == (names, count)
    assert '"numeric":' not in json.dumps(record), "a bare numeric string beside a value"


def test_a_gradient_batch_gives_records_of_the_schema_with_twins(invoke):
    result = invoke("diff", "-", "--gradient", "--at", "x=1,y=2", "--json", "--no-steps",
                    input="x**2*y => [4, 1]\nopen(1)\nx*y**3\n")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [record["line"] for record in records] == [1, 2, 3]
    for record in records:
        assert_valid(record)
    assert records[1]["error"]["kind"] == "usage"
    assert [c["value_numeric"] for c in records[2]["gradient"]] == [8.0, 12.0]
    assert records[2]["norm"] == "4*sqrt(13)" and records[2]["norm_numeric"] == float(4 * sympy.sqrt(13))
    assert numeric_twins(records[0]) == ({"at", "value", "norm"}, 2 + 2 + 1)


def test_points_and_values_have_numeric_twins(invoke):
    critical = json.loads(invoke("critical", "x**3 - 3*x", "--json").stdout)
    assert [(p["text"], p["at"], p["at_numeric"]) for p in critical["points"]] == [
        ("x=-1", {"x": "-1"}, {"x": -1.0}), ("x=1", {"x": "1"}, {"x": 1.0})]
    diff = json.loads(invoke("diff", "sin(x)", "--at", "pi/2", "--json").stdout)
    assert (diff["at"], diff["at_numeric"], diff["value"], diff["value_numeric"]) == (
        {"x": "pi/2"}, {"x": pytest.approx(1.5707963267948966)}, "0", 0.0)
    evaluation = json.loads(invoke("eval", "x**2", "--at", "1/3", "--json").stdout)
    assert evaluation["variables"] == ["x"] and "variable" not in evaluation
    assert evaluation["points"][0]["value"] == "1/9"
    assert evaluation["points"][0]["value_numeric"] == pytest.approx(1 / 9, rel=1e-15)
    descent = json.loads(invoke("descend", "(x - 3)**2", "--from", "0", "--json").stdout)
    assert descent["at_numeric"]["x"] == pytest.approx(3, abs=1e-6)
    assert float(descent["at"]["x"]) == descent["at_numeric"]["x"]
    assert descent["text"].startswith("x=2.99999") and descent["start"] == {"x": "0.0"}


def test_json_is_ascii_when_the_stream_cannot_encode(process):
    """PYTHONIOENCODING=ascii once ended in exit 70 on f′ in a note."""
    records = {}
    for args in (["classify", "x**3", "--json"], ["diff", "abs(x)", "--json"]):
        result = process(*args, env={"PYTHONIOENCODING": "ascii"})
        assert result.returncode == 0, result.stderr
        assert result.stdout.isascii()
        records[args[0]] = json.loads(result.stdout)
        assert_valid(records[args[0]])
    utf8 = process("classify", "x**3", "--json", env={"PYTHONIOENCODING": "utf-8"})
    assert "′" in utf8.stdout and json.loads(utf8.stdout) == records["classify"]


def test_a_usage_error_under_json_is_a_record_on_stdout_too(process):
    result = process("diff", "x**2", "-v", "--json")
    assert result.returncode == 2
    assert result.stderr == "deriv: error: no such option: -v (see 'deriv diff --help')\n"
    record = json.loads(result.stdout)
    assert_valid(record)
    assert record == {"schema": "deriv/1", "command": "diff", "error": {
        "status": 2, "kind": "usage", "message": "no such option: -v", "hint": "see 'deriv diff --help'"}}
    without = process("diff", "x**2", "-v")
    assert without.stdout == ""


def test_the_validator_catches_what_it_is_for():
    good = {"schema": "deriv/1", "command": "diff", "error": {"status": 2, "kind": "usage", "message": "m", "hint": None}}
    assert violations(good, SCHEMA) == []
    assert violations({**good, "schema": "deriv/0"}, SCHEMA)
    assert violations({key: value for key, value in good.items() if key != "schema"}, SCHEMA)
    assert violations({**good, "extra": 1}, SCHEMA)
    assert violations({**good, "error": {**good["error"], "status": "2"}}, SCHEMA)
    assert violations(1.5, {"type": "integer"}) and not violations(2, {"type": "integer"})
    gradient = {"schema": "deriv/1", "command": "diff", "expression": "x", "variables": ["x"], "gradient": [
        {"variable": "x", "name": "∂f/∂x", "derivative": "1", "steps": None, "value": "1", "value_numeric": 1.0,
         "agrees": True}], "norm": "1", "norm_numeric": 1.0, "tangent": None, "at": {"x": "0"},
        "at_numeric": {"x": 0.0}, "expect": None}
    assert violations(gradient, SCHEMA) == []
    assert violations({key: value for key, value in gradient.items() if key != "at_numeric"}, SCHEMA)
    assert violations({**gradient, "numeric": "1.0"}, SCHEMA)
    assert violations({**gradient, "gradient": [{**gradient["gradient"][0], "value_numeric": "1.0"}]}, SCHEMA)
    assert violations(True, {"type": "number"})
