#include "harness/report/html_writer.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "harness/report/atomic_file.h"

namespace nc::report {

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string check_area(std::string_view id) { return std::string(id.substr(0, id.find('-'))); }

namespace {

constexpr std::string_view kStyle = R"(
body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em;margin:0 0 .3em}
.meta{color:#666;margin-bottom:1em}
.filters button{margin:0 .3em .5em 0;padding:.3em .8em;border:1px solid #999;background:#fff;border-radius:3px;cursor:pointer}
.filters button.on{background:#333;color:#fff}
#q{padding:.3em;width:18em;margin-left:1em}
label.differs{margin-left:1em}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid #ccc;padding:.35em .5em;vertical-align:top;text-align:left}
th{background:#f3f3f3;position:sticky;top:0}
td.id{white-space:nowrap;font-family:monospace}
.v{font-weight:600;text-transform:uppercase;font-size:.85em}
.reason{color:#444;font-size:.85em;max-width:38em;overflow-wrap:anywhere;display:-webkit-box;-webkit-box-orient:vertical;-webkit-line-clamp:4;overflow:hidden}
td:hover .reason{display:block}
.pass{background:#e5f5e5}.fail{background:#fbe0e0}.skip{background:#eee}.xfail{background:#fff3d6}.xpass{background:#f7c9c9}
.none{background:#fafafa;color:#aaa}
.counts{font-weight:normal;font-size:.8em;color:#555}
)";

constexpr std::string_view kScript = R"(
let area='all';
function apply(){const q=document.getElementById('q').value.toLowerCase();
 const d=document.getElementById('differs').checked;
 for(const r of document.querySelectorAll('tbody tr')){
  const ok=(area==='all'||r.dataset.area===area)&&(!q||r.textContent.toLowerCase().includes(q))&&(!d||r.dataset.differs==='1');
  r.style.display=ok?'':'none';}}
function pick(b){area=b.dataset.area;for(const x of document.querySelectorAll('.filters button'))x.classList.toggle('on',x===b);apply();}
)";

struct Column {
  std::string name;
  std::map<std::string, const CheckResult*> by_id;
};

// A row differs when some runtime's verdict is not the verdict of the first netimpl column
// (a runtime that did not run the check does not count). Without a netimpl column nothing
// differs.
bool differs_from_netimpl(const std::vector<Column>& cols, const std::string& id) {
  const CheckResult* ref = nullptr;
  for (auto& c : cols)
    if (c.name.starts_with("netimpl ")) {
      auto it = c.by_id.find(id);
      if (it != c.by_id.end()) ref = it->second;
      break;
    }
  if (!ref) return false;
  for (auto& c : cols) {
    auto it = c.by_id.find(id);
    if (it != c.by_id.end() && it->second->status != ref->status) return true;
  }
  return false;
}

}  // namespace

std::string html_matrix(const std::vector<RunReport>& runs) {
  std::vector<Column> cols;
  std::map<std::string, std::string> titles;  // id → title, sorted by id
  std::set<std::string> areas;
  // The kernel dimension: a result's kernel is its own, else its run's. With results from
  // more than one kernel, each column is one runtime version on one kernel.
  auto kernel_of = [](const RunReport& run, const CheckResult& r) {
    return r.kernel.empty() ? run.kernel.release : r.kernel;
  };
  std::vector<std::string> kernels;
  for (auto& run : runs) {
    auto add = [&](const std::string& k) {
      if (std::find(kernels.begin(), kernels.end(), k) == kernels.end()) kernels.push_back(k);
    };
    add(run.kernel.release);
    for (auto& r : run.results) add(kernel_of(run, r));
  }
  bool by_kernel = kernels.size() > 1;
  auto column_name = [&](const std::string& runtime, const std::string& version, const std::string& kernel) {
    std::string n = fmt::format("{} {}", runtime, version);
    return by_kernel ? fmt::format("{} · kernel {}", n, kernel) : n;
  };
  auto column = [&](const std::string& name) -> Column& {
    for (auto& c : cols)
      if (c.name == name) return c;
    return cols.emplace_back(Column{name, {}});
  };
  for (auto& run : runs) {
    std::map<std::string, std::string> version;
    for (auto& rt : run.runtimes) version[rt.name] = rt.version;
    version.try_emplace(run.runtime.name, run.runtime.version);
    if (!by_kernel)
      for (auto& rt : run.runtimes) column(column_name(rt.name, rt.version, ""));
    for (auto& r : run.results) {
      auto& col = column(column_name(r.runtime, version[r.runtime], kernel_of(run, r)));
      col.by_id[r.id] = &r;
      titles[r.id] = r.title;
      areas.insert(check_area(r.id));
    }
  }
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                  "<title>netconform conformance matrix</title><style>";
  h += kStyle;
  h += "</style><script>";
  h += kScript;
  h += "</script></head><body>\n<h1>netconform conformance matrix</h1>\n";
  std::string when;
  for (auto& run : runs) when += (when.empty() ? "" : ", ") + run.started_at;
  h += fmt::format("<div class=\"meta\">{} check(s), {} run(s): {}; kernel{} {}</div>\n", titles.size(), runs.size(),
                   html_escape(when), by_kernel ? "s" : "", html_escape(fmt::format("{}", fmt::join(kernels, ", "))));
  h += "<div class=\"filters\"><button class=\"on\" data-area=\"all\" onclick=\"pick(this)\">all</button>";
  for (auto& a : areas)
    h += fmt::format("<button data-area=\"{0}\" onclick=\"pick(this)\">{0}</button>", html_escape(a));
  h += "<input id=\"q\" placeholder=\"filter by text\" oninput=\"apply()\">";
  h += "<label class=\"differs\"><input type=\"checkbox\" id=\"differs\" onchange=\"apply()\"> differs from netimpl</label></div>\n";
  h += "<table><thead><tr><th>check</th><th>title</th>";
  for (auto& c : cols) {
    Summary s;
    for (auto& [id, r] : c.by_id) ++s.count(r->status);
    h += fmt::format("<th>{}<div class=\"counts\">pass {} · xfail {} · skip {} · fail {} · xpass {}</div></th>",
                     html_escape(c.name), s.pass, s.xfail, s.skip, s.fail, s.xpass);
  }
  h += "</tr></thead><tbody>\n";
  for (auto& [id, title] : titles) {
    h += fmt::format("<tr data-area=\"{}\" data-differs=\"{}\"><td class=\"id\">{}</td><td>{}</td>",
                     html_escape(check_area(id)), differs_from_netimpl(cols, id) ? 1 : 0, html_escape(id),
                     html_escape(title));
    for (auto& c : cols) {
      auto it = c.by_id.find(id);
      if (it == c.by_id.end()) {
        h += "<td class=\"none\">not run</td>";
        continue;
      }
      auto st = std::string(to_string(it->second->status));
      h += fmt::format("<td class=\"{0}\"><div class=\"v\">{0}</div><div class=\"reason\">{1}</div></td>", st,
                       html_escape(it->second->reason));
    }
    h += "</tr>\n";
  }
  h += "</tbody></table>\n</body></html>\n";
  return h;
}

Result<void> write_html_matrix(const std::string& path, const std::vector<RunReport>& runs) {
  return write_file_atomic(path, html_matrix(runs));
}

}  // namespace nc::report
