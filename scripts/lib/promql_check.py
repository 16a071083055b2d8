#!/usr/bin/env python3
"""Checks the alert rules and dashboard queries against a running Prometheus (scripts/ops-check.sh).

    promql_check.py PROMETHEUS_URL ALERTS_YML DASHBOARD_JSON...

1. The rules: read back from Prometheus's /api/v1/rules, i.e. as Prometheus itself parsed the
   rule_files entry (so no YAML parser is needed here); their number must equal the `- alert:`
   entries of ALERTS_YML, and each must have been evaluated without error.
2. Every rule expression and every dashboard panel target (Grafana's $__rate_interval,
   $__interval and $__range replaced by fixed durations) is evaluated with /api/v1/query and
   must answer status "success".
3. Every metric name an expression references must be among the names Prometheus has scraped
   (/api/v1/label/__name__/values), compared literally: `foo_bucket` must exist as
   `foo_bucket`, no suffix is stripped or added.

Metric names are found lexically (see metric_names), which is enough for the PromQL written in
this repository. Standard library only. Exit status 1 naming each problem, 0 when all pass.
"""
import json
import re
import sys
import urllib.parse
import urllib.request

GRAFANA_MACROS = {"$__rate_interval": "1m", "$__interval": "15s", "$__range": "5m"}
# Labels whose exact values the check's traffic is sure to produce: a matcher like
# route="/api/v1/tickers/buffer" must name a value that was scraped, or its rule can never fire.
CHECKED_LABELS = ("job", "route", "area")
KEYWORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right",
            "offset", "bool", "inf", "nan", "atan2", "start", "end"}


def api(base, path, **params):
    url = base + path + ("?" + urllib.parse.urlencode(params) if params else "")
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.load(r)


def metric_names(expr):
    """The metric names in a PromQL expression: identifiers left after removing string literals,
    label matchers {...}, ranges/offsets [...], grouping clauses by/on/ignoring/without (...),
    and function names (an identifier followed by "(") and operators/keywords."""
    s = re.sub(r'"(\\.|[^"\\])*"|\'(\\.|[^\'\\])*\'', '""', expr)
    s = re.sub(r"\{[^}]*\}", " ", s)
    s = re.sub(r"\[[^\]]*\]", " ", s)
    s = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", s)
    names = set()
    for m in re.finditer(r"(?<![\w.$])([A-Za-z_:][A-Za-z0-9_:]*)\b(?!\s*\()", s):
        word = m.group(1)
        if word.lower() not in KEYWORDS:
            names.add(word)
    return names


def dashboard_exprs(path):
    with open(path, encoding="utf-8") as f:
        dash = json.load(f)
    out = []

    def walk(panels):
        for p in panels:
            for t in p.get("targets", []):
                if t.get("expr"):
                    out.append((f'{path}: panel "{p.get("title")}" {t.get("refId")}', t["expr"]))
            walk(p.get("panels", []))

    walk(dash.get("panels", []))
    return out


def main():
    base, alerts_yml, dashboards = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3:]
    problems = []

    rules = [r for g in api(base, "/api/v1/rules")["data"]["groups"] for r in g["rules"] if r["type"] == "alerting"]
    with open(alerts_yml, encoding="utf-8") as f:
        declared = len(re.findall(r"^\s*-\s*alert:", f.read(), re.M))
    if len(rules) != declared:
        problems.append(f"Prometheus loaded {len(rules)} alerting rules, {alerts_yml} declares {declared}")
    for r in rules:
        if r.get("health") != "ok":
            problems.append(f'rule {r["name"]}: health {r.get("health")!r} {r.get("lastError", "")}')

    exprs = [(f'rule {r["name"]}', r["query"]) for r in rules]
    for d in dashboards:
        exprs += dashboard_exprs(d)

    scraped = set(api(base, "/api/v1/label/__name__/values")["data"])
    referenced = {}
    for i, (where, expr) in enumerate(exprs):
        for macro, value in GRAFANA_MACROS.items():
            expr = expr.replace(macro, value)
        exprs[i] = (where, expr)
        try:
            answer = api(base, "/api/v1/query", query=expr)
            if answer.get("status") != "success":
                problems.append(f"{where}: query failed: {answer}")
        except urllib.error.HTTPError as e:
            problems.append(f"{where}: query failed: {e.code} {e.read().decode(errors='replace')}")
        for name in metric_names(expr):
            referenced.setdefault(name, []).append(where)

    values = {label: set(api(base, f"/api/v1/label/{label}/values")["data"]) for label in CHECKED_LABELS}
    for where, expr in exprs:
        for label, value in re.findall(r'\b(' + "|".join(CHECKED_LABELS) + r')\s*=\s*"([^"]*)"', expr):
            if value not in values[label]:
                problems.append(f'{where}: {label}="{value}" matches no scraped series')

    missing = sorted(n for n in referenced if n not in scraped)
    for name in missing:
        users = referenced[name]
        problems.append(f"metric {name} was not scraped (used by {users[0]}"
                        + (f" and {len(users) - 1} more" if len(users) > 1 else "") + ")")

    print(f"ops-check: {len(rules)} rules, {len(exprs)} expressions evaluated, "
          f"{len(referenced) - len(missing)} metric names present"
          + (f", {len(missing)} missing" if missing else ""))
    for p in problems:
        print(f"ops-check: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
