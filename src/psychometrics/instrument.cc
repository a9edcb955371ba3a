#include "psychometrics/instrument.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace sb::psy {

namespace json = boost::json;

namespace {

// Reads fields under a path such as "items[3].parameters", so errors can name them.
class Reader {
 public:
  Reader(const json::object& o, std::string path) : o_(o), path_(std::move(path)) {}

  std::string where(const std::string& key) const {
    return path_.empty() ? key : path_ + "." + key;
  }
  bool has(const std::string& key) const { return o_.contains(key) && !o_.at(key).is_null(); }
  // Refuses any field not in `known`, naming it by its path: a misspelt "reverse" must not
  // silently leave an item keyed the wrong way.
  Status allow_only(std::initializer_list<std::string_view> known) const {
    for (const auto& [key, value] : o_) {
      if (std::find(known.begin(), known.end(), std::string_view(key)) != known.end()) continue;
      std::string list;
      for (auto k : known) {
        if (!list.empty()) list += ", ";
        list += k;
      }
      return invalid(where(std::string(key)), "is not a known field (known here: " + list + ")");
    }
    return ok_status();
  }
  const json::value* get(const std::string& key) const {
    auto it = o_.find(key);
    return it == o_.end() ? nullptr : &it->value();
  }

  Result<std::string> str(const std::string& key, bool required = true) const {
    auto v = get(key);
    if (!v || v->is_null()) {
      if (required) return invalid(where(key), "is required");
      return std::string();
    }
    if (!v->is_string()) return invalid(where(key), "must be a string");
    return std::string(v->get_string());
  }
  Result<double> number(const std::string& key) const {
    auto v = get(key);
    if (!v || v->is_null()) return invalid(where(key), "is required");
    if (!v->is_number()) return invalid(where(key), "must be a number");
    const double d = v->to_number<double>();
    if (!std::isfinite(d)) return invalid(where(key), "must be finite");
    return d;
  }
  Result<bool> boolean(const std::string& key, bool fallback) const {
    auto v = get(key);
    if (!v || v->is_null()) return fallback;
    if (!v->is_bool()) return invalid(where(key), "must be true or false");
    return v->get_bool();
  }

 private:
  const json::object& o_;
  std::string path_;
};

// `var` names a variable, it is not an expression: it cannot be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define SB_TRY(var, expr)               \
  auto var##_r = (expr);                \
  if (!var##_r) return var##_r.error(); \
  auto var = std::move(*var##_r)
// NOLINTEND(bugprone-macro-parentheses)

Result<std::vector<std::pair<double, double>>> read_pairs(const json::value* v,
                                                          const std::string& where) {
  std::vector<std::pair<double, double>> out;
  if (!v || !v->is_array()) return invalid(where, "must be a list of [value, percentile] pairs");
  for (const auto& e : v->get_array()) {
    if (!e.is_array() || e.get_array().size() != 2 || !e.get_array()[0].is_number() ||
        !e.get_array()[1].is_number()) {
      return invalid(where, "must be a list of [value, percentile] pairs");
    }
    out.emplace_back(e.get_array()[0].to_number<double>(), e.get_array()[1].to_number<double>());
  }
  return out;
}

// [["Q1", "Q3", 0.12], …]: two item ids of one dimension and their residual correlation.
Result<std::vector<ResidualCorrelation>> read_residual_correlations(const json::value& v,
                                                                    const Instrument& ins) {
  const std::string where = "residual_correlations";
  std::vector<ResidualCorrelation> out;
  if (!v.is_array()) return invalid(where, "must be a list of [item, item, q3] triples");
  for (size_t n = 0; n < v.get_array().size(); ++n) {
    const auto& e = v.get_array()[n];
    const std::string at = where + "[" + std::to_string(n) + "]";
    if (!e.is_array() || e.get_array().size() != 3 || !e.get_array()[0].is_string() ||
        !e.get_array()[1].is_string() || !e.get_array()[2].is_number()) {
      return invalid(at, "must be an [item, item, q3] triple");
    }
    const int first = ins.item_index(std::string(e.get_array()[0].get_string()));
    const int second = ins.item_index(std::string(e.get_array()[1].get_string()));
    if (first < 0 || second < 0) return invalid(at, "names an item the instrument does not have");
    if (first == second) return invalid(at, "pairs an item with itself");
    const auto& a = ins.items[static_cast<size_t>(first)];
    const auto& b = ins.items[static_cast<size_t>(second)];
    if (a.dimension != b.dimension) return invalid(at, "pairs items of different dimensions");
    const double q3 = e.get_array()[2].to_number<double>();
    if (!(q3 > -1 && q3 < 1)) return invalid(at, "q3 must lie strictly between -1 and 1");
    out.push_back({static_cast<size_t>(first), static_cast<size_t>(second), q3});
  }
  return out;
}

// A facet's own trait is identified only by two or more items with a slope on it, all of one
// dimension. Items of the facet without one load on the general trait alone (a recalibration
// estimates facet slopes only for the items with enough answers).
Status check_facet_slopes(const Instrument& ins) {
  std::map<std::string, std::vector<size_t>> members;
  for (size_t j = 0; j < ins.items.size(); ++j) {
    if (ins.items[j].specific_slope > 0) members[ins.items[j].facet].push_back(j);
  }
  for (const auto& [facet, list] : members) {
    const std::string where = "items[" + std::to_string(list.front()) + "].parameters.specific_a";
    if (list.size() < 2)
      return invalid(where, "facet " + facet + " needs at least two items for a specific slope");
    for (size_t j : list) {
      if (ins.items[j].dimension != ins.items[list.front()].dimension)
        return invalid(where, "facet " + facet + " spans two dimensions");
    }
  }
  return ok_status();
}

Result<InstrumentItem> read_item(const json::value& v, size_t index, const Instrument& ins) {
  const std::string path = "items[" + std::to_string(index) + "]";
  if (!v.is_object()) return invalid(path, "must be an object");
  Reader r(v.get_object(), path);
  if (auto st = r.allow_only(
          {"id", "text", "dimension", "reverse", "facet", "provisional", "parameters"});
      !st)
    return st.error();
  InstrumentItem item;
  SB_TRY(id, r.str("id"));
  if (id.empty()) return invalid(r.where("id"), "must not be empty");
  item.id = id;
  if (r.has("text")) {
    SB_TRY(text, r.str("text"));
    item.text = text;
  }
  SB_TRY(dim, r.str("dimension"));
  if (ins.dimension_index(dim) < 0)
    return invalid(r.where("dimension"), "names no declared dimension: " + dim);
  item.dimension = dim;
  SB_TRY(rev, r.boolean("reverse", false));
  item.reverse = rev;
  SB_TRY(facet, r.str("facet", false));
  item.facet = facet;
  SB_TRY(prov, r.boolean("provisional", false));
  item.provisional = prov;
  if (r.has("parameters")) {
    const auto* p = r.get("parameters");
    if (!p->is_object())
      return invalid(r.where("parameters"), "must be an object with a and thresholds");
    Reader pr(p->get_object(), r.where("parameters"));
    if (auto st = pr.allow_only({"a", "specific_a", "thresholds"}); !st) return st.error();
    SB_TRY(a, pr.number("a"));
    if (!(a > 0)) return invalid(pr.where("a"), "must be a positive number");
    if (pr.has("specific_a")) {
      SB_TRY(specific, pr.number("specific_a"));
      if (!(specific > 0 && specific <= 10))
        return invalid(pr.where("specific_a"), "must be a number above 0 and at most 10");
      if (item.facet.empty())
        return invalid(pr.where("specific_a"), "needs the item's facet (the trait it loads on)");
      item.specific_slope = specific;
    }
    const auto* th = pr.get("thresholds");
    if (!th || !th->is_array()) return invalid(pr.where("thresholds"), "must be a list of numbers");
    GrmItem g;
    g.a = a;
    for (const auto& b : th->get_array()) {
      if (!b.is_number()) return invalid(pr.where("thresholds"), "must be a list of numbers");
      g.c.push_back(-a * b.to_number<double>());
    }
    if (static_cast<int>(g.c.size()) != ins.categories - 1) {
      return invalid(pr.where("thresholds"), "needs " + std::to_string(ins.categories - 1) +
                                                 " values (one fewer than the categories)");
    }
    if (!is_well_formed(g)) return invalid(pr.where("thresholds"), "must be strictly increasing");
    item.parameters = g;
  }
  return item;
}

// Doubles in their shortest exact form ("0.9394", not "9.394E-1").
void scalar(std::ostringstream& out, const json::value& v) {
  if (v.is_double()) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v.get_double());
    out << std::string_view(buf, static_cast<size_t>(r.ptr - buf));
  } else {
    out << json::serialize(v);
  }
}

void pretty(std::ostringstream& out, const json::value& v, int indent) {
  const std::string pad(static_cast<size_t>(indent), ' ');
  if (v.is_object()) {
    const auto& o = v.get_object();
    if (o.empty()) {
      out << "{}";
      return;
    }
    out << "{\n";
    size_t i = 0;
    for (const auto& [k, val] : o) {
      out << pad << "  " << json::serialize(json::value(k)) << ": ";
      pretty(out, val, indent + 2);
      out << (++i < o.size() ? ",\n" : "\n");
    }
    out << pad << "}";
  } else if (v.is_array()) {
    const auto& a = v.get_array();
    // Short lists of scalars stay on one line: thresholds and norm pairs read better so.
    bool flat = std::all_of(a.begin(), a.end(), [](const json::value& e) {
      return !e.is_object() && (!e.is_array() || e.get_array().size() <= 2);
    });
    if (flat) {
      out << "[";
      for (size_t i = 0; i < a.size(); ++i) {
        if (i) out << ", ";
        pretty(out, a[i], indent);
      }
      out << "]";
      return;
    }
    out << "[\n";
    for (size_t i = 0; i < a.size(); ++i) {
      out << pad << "  ";
      pretty(out, a[i], indent + 2);
      out << (i + 1 < a.size() ? ",\n" : "\n");
    }
    out << pad << "]";
  } else {
    scalar(out, v);
  }
}

double round_to(double x, int digits) {
  const double f = std::pow(10.0, digits);
  return std::round(x * f) / f;
}

json::array pairs_json(const std::vector<std::pair<double, double>>& pairs) {
  json::array a;
  for (const auto& [x, p] : pairs) a.push_back(json::array{round_to(x, 4), round_to(p, 2)});
  return a;
}

}  // namespace

int Instrument::dimension_index(const std::string& id_) const {
  for (size_t d = 0; d < dimensions.size(); ++d) {
    if (dimensions[d].id == id_) return static_cast<int>(d);
  }
  return -1;
}

int Instrument::item_index(const std::string& id_) const {
  for (size_t j = 0; j < items.size(); ++j) {
    if (items[j].id == id_) return static_cast<int>(j);
  }
  return -1;
}

int8_t Instrument::key(size_t item, int raw) const {
  if (raw <= 0 || raw > categories) return kMissing;
  const int k = raw - 1;
  return static_cast<int8_t>(items[item].reverse ? categories - 1 - k : k);
}

Result<Model> Instrument::model() const {
  Model m;
  m.categories = categories;
  m.dimensions = static_cast<int>(dimensions.size());
  m.correlation = correlation;
  m.residual_correlations = residual_correlations;
  for (size_t j = 0; j < items.size(); ++j) {
    if (!items[j].parameters) {
      return invalid("items[" + std::to_string(j) + "].parameters",
                     "item " + items[j].id + " has no parameters: calibrate the instrument first");
    }
    m.items.push_back(*items[j].parameters);
    m.dimension.push_back(dimension_index(items[j].dimension));
  }
  // Facets with specific slopes, numbered in order of first appearance.
  std::vector<std::string> facet_names;
  for (const auto& item : items) {
    if (item.specific_slope <= 0) continue;
    auto at = std::find(facet_names.begin(), facet_names.end(), item.facet);
    if (at == facet_names.end()) facet_names.push_back(item.facet);
  }
  if (facet_names.empty()) return m;
  m.facets = static_cast<int>(facet_names.size());
  for (const auto& item : items) {
    const auto at = std::find(facet_names.begin(), facet_names.end(), item.facet);
    m.facet.push_back(item.specific_slope > 0 ? static_cast<int>(at - facet_names.begin()) : -1);
    m.specific_slope.push_back(item.specific_slope);
  }
  return m;
}

Result<Instrument> parse_instrument(std::string_view text) {
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec) return invalid("(file)", "is not valid JSON: " + ec.message());
  if (!doc.is_object()) return invalid("(file)", "must hold a JSON object");
  Reader r(doc.get_object(), "");
  if (auto st = r.allow_only({"format", "id", "version", "title", "language", "scale", "dimensions",
                              "correlation", "items", "classification", "calibration_note",
                              "residual_correlations"});
      !st)
    return st.error();
  Instrument ins;
  SB_TRY(format, r.str("format"));
  if (format != "securebase-instrument")
    return invalid("format", "must be \"securebase-instrument\"");
  SB_TRY(id, r.str("id"));
  ins.id = id;
  SB_TRY(version, r.str("version"));
  ins.version = version;
  SB_TRY(title, r.str("title"));
  ins.title = title;
  SB_TRY(language, r.str("language", false));
  if (!language.empty()) ins.language = language;

  const auto* scale = r.get("scale");
  if (!scale || !scale->is_object()) return invalid("scale", "is required (categories and labels)");
  Reader sr(scale->get_object(), "scale");
  if (auto st = sr.allow_only({"categories", "labels"}); !st) return st.error();
  SB_TRY(cats, sr.number("categories"));
  if (cats < 2 || cats > 11 || cats != std::floor(cats))
    return invalid("scale.categories", "must be a whole number from 2 to 11");
  ins.categories = static_cast<int>(cats);
  if (const auto* labels = sr.get("labels"); labels && labels->is_array()) {
    for (const auto& l : labels->get_array()) {
      if (!l.is_string()) return invalid("scale.labels", "must be a list of strings");
      ins.labels.emplace_back(l.get_string());
    }
    if (static_cast<int>(ins.labels.size()) != ins.categories) {
      return invalid("scale.labels", "needs one label per category");
    }
  }

  const auto* dims = r.get("dimensions");
  if (!dims || !dims->is_array() || dims->get_array().empty() || dims->get_array().size() > 2) {
    return invalid("dimensions", "must list one or two dimensions");
  }
  for (size_t d = 0; d < dims->get_array().size(); ++d) {
    const auto& dv = dims->get_array()[d];
    const std::string path = "dimensions[" + std::to_string(d) + "]";
    if (!dv.is_object()) return invalid(path, "must be an object");
    Reader dr(dv.get_object(), path);
    if (auto st = dr.allow_only({"id", "name", "norms", "reliability"}); !st) return st.error();
    Dimension dim;
    SB_TRY(did, dr.str("id"));
    SB_TRY(dname, dr.str("name"));
    dim.id = did;
    dim.name = dname;
    if (ins.dimension_index(did) >= 0) return invalid(dr.where("id"), "is declared twice");
    if (dr.has("norms")) {
      const auto* nv = dr.get("norms");
      if (!nv->is_object()) return invalid(dr.where("norms"), "must be an object");
      Reader nr(nv->get_object(), dr.where("norms"));
      if (auto st = nr.allow_only(
              {"theta", "classic", "theta_mean", "theta_sd", "classic_mean", "classic_sd"});
          !st)
        return st.error();
      Norms n;
      SB_TRY(theta, read_pairs(nr.get("theta"), nr.where("theta")));
      SB_TRY(classic, read_pairs(nr.get("classic"), nr.where("classic")));
      n.theta = theta;
      n.classic = classic;
      SB_TRY(tm, nr.number("theta_mean"));
      SB_TRY(ts, nr.number("theta_sd"));
      SB_TRY(cm, nr.number("classic_mean"));
      SB_TRY(cs, nr.number("classic_sd"));
      n.theta_mean = tm;
      n.theta_sd = ts;
      n.classic_mean = cm;
      n.classic_sd = cs;
      dim.norms = n;
    }
    if (dr.has("reliability")) {
      const auto* rv = dr.get("reliability");
      if (!rv->is_object()) return invalid(dr.where("reliability"), "must be an object");
      Reader rr(rv->get_object(), dr.where("reliability"));
      if (auto st = rr.allow_only({"alpha", "omega", "marginal", "classic_sd"}); !st)
        return st.error();
      ReliabilityFigures f;
      SB_TRY(alpha, rr.number("alpha"));
      SB_TRY(omega, rr.number("omega"));
      SB_TRY(marginal, rr.number("marginal"));
      SB_TRY(csd, rr.number("classic_sd"));
      for (double x : {alpha, omega, marginal}) {
        if (x < 0 || x >= 1) return invalid(rr.where("alpha"), "reliabilities must lie in [0, 1)");
      }
      f.alpha = alpha;
      f.omega = omega;
      f.marginal = marginal;
      f.classic_sd = csd;
      dim.reliability = f;
    }
    ins.dimensions.push_back(dim);
  }
  if (r.has("correlation")) {
    SB_TRY(corr, r.number("correlation"));
    if (corr <= -1 || corr >= 1)
      return invalid("correlation", "must lie strictly between -1 and 1");
    ins.correlation = corr;
  }

  const auto* items = r.get("items");
  if (!items || !items->is_array() || items->get_array().empty())
    return invalid("items", "must list the items");
  std::set<std::string> seen;
  for (size_t j = 0; j < items->get_array().size(); ++j) {
    SB_TRY(item, read_item(items->get_array()[j], j, ins));
    if (!seen.insert(item.id).second)
      return invalid("items[" + std::to_string(j) + "].id", "repeats " + item.id);
    ins.items.push_back(std::move(item));
  }
  if (auto st = check_facet_slopes(ins); !st) return st.error();

  if (r.has("classification")) {
    const auto* cv = r.get("classification");
    if (!cv->is_object()) return invalid("classification", "must be an object");
    Reader cr(cv->get_object(), "classification");
    if (auto st =
            cr.allow_only({"anxiety", "avoidance", "cut_anxiety", "cut_avoidance", "brennan_1998"});
        !st)
      return st.error();
    ClassificationRule rule;
    SB_TRY(anx, cr.str("anxiety"));
    SB_TRY(av, cr.str("avoidance"));
    if (ins.dimension_index(anx) < 0)
      return invalid("classification.anxiety", "names no declared dimension");
    if (ins.dimension_index(av) < 0)
      return invalid("classification.avoidance", "names no declared dimension");
    if (anx == av)
      return invalid("classification.avoidance", "must differ from the anxiety dimension");
    rule.anxiety = anx;
    rule.avoidance = av;
    SB_TRY(ca, cr.number("cut_anxiety"));
    SB_TRY(cv2, cr.number("cut_avoidance"));
    rule.cut_anxiety = ca;
    rule.cut_avoidance = cv2;
    SB_TRY(brennan, cr.boolean("brennan_1998", false));
    rule.brennan_1998 = brennan;
    ins.classification = rule;
  }
  SB_TRY(note, r.str("calibration_note", false));
  ins.calibration_note = note;
  if (const auto* rc = r.get("residual_correlations")) {
    SB_TRY(pairs, read_residual_correlations(*rc, ins));
    ins.residual_correlations = std::move(pairs);
  }
  return ins;
}

Result<Instrument> load_instrument(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Error{ErrorCode::kNotFound, "cannot read the instrument file " + path, "instrument"};
  std::ostringstream ss;
  ss << in.rdbuf();
  auto ins = parse_instrument(ss.str());
  if (!ins) {
    Error e = ins.error();
    e.message = path + ": " + e.field + " " + e.message;
    return e;
  }
  return ins;
}

std::string instrument_to_json(const Instrument& ins) {
  json::object o;
  o["format"] = "securebase-instrument";
  o["id"] = ins.id;
  o["version"] = ins.version;
  o["title"] = ins.title;
  o["language"] = ins.language;
  json::array labels;
  for (const auto& l : ins.labels) labels.push_back(json::value(l));
  o["scale"] = json::object{{"categories", ins.categories}, {"labels", labels}};
  json::array dims;
  for (const auto& d : ins.dimensions) {
    json::object dj{{"id", d.id}, {"name", d.name}};
    if (d.reliability) {
      dj["reliability"] = json::object{{"alpha", round_to(d.reliability->alpha, 4)},
                                       {"omega", round_to(d.reliability->omega, 4)},
                                       {"marginal", round_to(d.reliability->marginal, 4)},
                                       {"classic_sd", round_to(d.reliability->classic_sd, 4)}};
    }
    if (d.norms) {
      dj["norms"] = json::object{{"theta_mean", round_to(d.norms->theta_mean, 4)},
                                 {"theta_sd", round_to(d.norms->theta_sd, 4)},
                                 {"classic_mean", round_to(d.norms->classic_mean, 4)},
                                 {"classic_sd", round_to(d.norms->classic_sd, 4)},
                                 {"theta", pairs_json(d.norms->theta)},
                                 {"classic", pairs_json(d.norms->classic)}};
    }
    dims.push_back(dj);
  }
  o["dimensions"] = dims;
  o["correlation"] = round_to(ins.correlation, 4);
  json::array items;
  for (const auto& it : ins.items) {
    json::object ij{{"id", it.id}};
    if (it.text) ij["text"] = *it.text;
    ij["dimension"] = it.dimension;
    ij["reverse"] = it.reverse;
    if (!it.facet.empty()) ij["facet"] = it.facet;
    if (it.provisional) ij["provisional"] = true;
    if (it.parameters) {
      json::array b;
      for (size_t k = 0; k < it.parameters->c.size(); ++k)
        b.push_back(round_to(it.parameters->threshold(k), 4));
      json::object parameters{{"a", round_to(it.parameters->a, 4)}};
      if (it.specific_slope > 0) parameters["specific_a"] = round_to(it.specific_slope, 4);
      parameters["thresholds"] = b;
      ij["parameters"] = parameters;
    }
    items.push_back(ij);
  }
  o["items"] = items;
  if (ins.classification) {
    const auto& c = *ins.classification;
    o["classification"] = json::object{{"anxiety", c.anxiety},
                                       {"avoidance", c.avoidance},
                                       {"cut_anxiety", round_to(c.cut_anxiety, 4)},
                                       {"cut_avoidance", round_to(c.cut_avoidance, 4)},
                                       {"brennan_1998", c.brennan_1998}};
  }
  if (!ins.calibration_note.empty()) o["calibration_note"] = ins.calibration_note;
  if (!ins.residual_correlations.empty()) {
    json::array pairs;
    for (const auto& rc : ins.residual_correlations) {
      pairs.push_back(
          json::array{ins.items[rc.first].id, ins.items[rc.second].id, round_to(rc.q3, 3)});
    }
    o["residual_correlations"] = pairs;
  }
  std::ostringstream out;
  pretty(out, o, 0);
  out << "\n";
  return out.str();
}

}  // namespace sb::psy
