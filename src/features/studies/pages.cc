#include "features/studies/pages.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <cmath>

#include "core/numbers.h"

namespace sb::web {

namespace json = boost::json;

namespace {

std::string percent(double x) { return fmt::format("{:.0f}%", 100 * x); }
// Two decimals, without a "-0.00".
std::string two(double x) { return fmt::format("{:.2f}", std::abs(x) < 0.005 ? 0.0 : x); }

// A coder's form, read into a code: scales on the reunions, crying on every episode.
studies::SessionCode read_code(const std::multimap<std::string, std::string>& form) {
  studies::SessionCode c;
  for (const auto& e : studies::episodes()) {
    studies::EpisodeScores s;
    s.episode = e.number;
    // Crying left out is no crying; anything else must be 0 to 3.
    const std::string crying = first_value(form, fmt::format("e{}_crying", e.number));
    s.crying = crying.empty() ? 0 : static_cast<int>(parse_int_in(crying, 0, 3).value_or(-1));
    const std::string seconds = first_value(form, fmt::format("e{}_seconds", e.number));
    s.seconds = seconds.empty() ? 0 : static_cast<int>(parse_int_in(seconds, 0, 900).value_or(-1));
    if (e.reunion)
      for (const char* scale : studies::kScales)
        s.scales[scale] = static_cast<int>(
            parse_int_in(first_value(form, fmt::format("e{}_{}", e.number, scale)), 1, 7)
                .value_or(0));
    c.episodes.push_back(std::move(s));
  }
  auto [from, to] = form.equal_range("index");
  for (auto it = from; it != to; ++it) c.disorganisation_indices.push_back(it->second);
  c.disorganisation =
      static_cast<int>(parse_int_in(first_value(form, "disorganisation"), 1, 9).value_or(0));
  c.classification = first_value(form, "classification");
  c.subgroup = first_value(form, "subgroup");
  return c;
}

json::object code_view(const studies::SessionCode& c) {
  json::array rows;
  for (const auto& e : c.episodes) {
    json::object row{
        {"episode", e.episode}, {"crying", e.crying}, {"length", studies::timing_words(e)}};
    for (const char* scale : studies::kScales) {
      auto it = e.scales.find(scale);
      row[scale] = it == e.scales.end() ? "" : std::to_string(it->second);
    }
    row["reunion"] = !e.scales.empty();
    rows.push_back(std::move(row));
  }
  std::string indices;
  for (const auto& i : c.disorganisation_indices) indices += (indices.empty() ? "" : ", ") + i;
  const auto s = studies::suggest(c);
  return json::object{{"coder", c.coder},
                      {"classification", c.classification},
                      {"subgroup", c.subgroup},
                      {"has_subgroup", !c.subgroup.empty()},
                      {"disorganisation", c.disorganisation},
                      {"indices", indices.empty() ? "none" : indices},
                      {"reunions", rows},
                      {"suggestion", s.label.empty() ? "none" : s.label},
                      {"rule", s.rule}};
}

json::array form_episodes() {
  json::array out;
  for (const auto& e : studies::episodes()) {
    json::array scales;
    if (e.reunion)
      for (const char* scale : studies::kScales)
        scales.push_back(json::object{{"field", fmt::format("e{}_{}", e.number, scale)},
                                      {"name", studies::scale_name(scale)}});
    out.push_back(json::object{{"number", e.number},
                               {"name", e.name},
                               {"present", e.present},
                               {"seconds", e.usual_seconds},
                               {"reunion", e.reunion},
                               {"scales", scales}});
  }
  return out;
}

json::array index_groups() {
  json::array out;
  for (const auto& [id, words] : studies::disorganisation_index_groups())
    out.push_back(json::object{{"id", id}, {"words", words}});
  return out;
}

}  // namespace

// ------------------------------------------------------------------ the list

Response StudyPages::studies_page(Ctx& ctx) { return render_studies(ctx, nullptr, 200); }

Response StudyPages::render_studies(Ctx& ctx, const Error* error, int status) {
  std::vector<std::string> ids;
  auto names = studies_.names_of(*ctx.visitor.user_id, &ids);
  if (!names) return fail(ctx, names.error(), "We could not read your studies.");
  json::array rows;
  for (size_t i = 0; i < names->size(); ++i)
    rows.push_back(
        json::object{{"id", ids[i]}, {"name", (*names)[i].first}, {"role", (*names)[i].second}});
  json::object view{{"title", "Coding studies"}, {"studies", rows}, {"has_studies", !rows.empty()}};
  if (error) view["error"] = error->message;
  return render_page(ctx, "studies", std::move(view), status);
}

Response StudyPages::do_create(Ctx& ctx) {
  auto id = studies_.create(*ctx.visitor.user_id, first_value(ctx.form, "name"));
  if (!id) {
    if (id.error().code != ErrorCode::kInvalidArgument)
      return fail(ctx, id.error(), "We could not create the study just now.");
    return render_studies(ctx, &id.error(), 422);
  }
  return Response::redirect("/studies/" + *id);
}

Response StudyPages::do_join(Ctx& ctx) {
  auto id = studies_.join(*ctx.visitor.user_id, first_value(ctx.form, "code"));
  if (!id) {
    if (id.error().code != ErrorCode::kInvalidArgument)
      return fail(ctx, id.error(), "We could not use the code just now.");
    return render_studies(ctx, &id.error(), 422);
  }
  return Response::redirect("/studies/" + *id + "?joined=1");
}

// ------------------------------------------------------------------ one study

Response StudyPages::study_page(Ctx& ctx) { return render_study(ctx, nullptr, "", 200); }

Response StudyPages::render_study(Ctx& ctx, const Error* error, const std::string& code,
                                  int status) {
  auto study = studies_.load(study_id(ctx));
  if (!study) return fail(ctx, study.error(), "We could not read the study.");
  const auto coders = study->coders();
  json::array sessions;
  for (const auto& s : study->sessions) {
    const bool mine =
        std::find(s.coded_by.begin(), s.coded_by.end(), *ctx.visitor.user_id) != s.coded_by.end();
    std::string state = fmt::format("{} of {} coders", s.codes.size(), coders.size());
    if (study->complete(s)) state = s.final_code ? "final code agreed" : "ready to conference";
    sessions.push_back(json::object{
        {"id", s.public_id}, {"participant", s.participant}, {"state", state}, {"mine", mine}});
  }
  json::array members;
  for (const auto& m : study->members)
    members.push_back(json::object{{"email", m.email}, {"label", m.label}});
  json::object view{{"title", study->name},
                    {"study", study->public_id},
                    {"name", study->name},
                    {"sessions", sessions},
                    {"has_sessions", !sessions.empty()},
                    {"members", members},
                    {"is_owner", is_owner(ctx)},
                    {"is_coder", ctx.access->subject().role == "coder"},
                    {"code", code},
                    {"has_code", !code.empty()},
                    {"joined", ctx.req.query.count("joined") > 0},
                    {"imported", first_value(ctx.req.query, "imported")},
                    {"has_imported", ctx.req.query.count("imported") > 0}};
  if (error) view["error"] = error->message;
  return render_page(ctx, "study", std::move(view), status);
}

Response StudyPages::do_add_session(Ctx& ctx) {
  if (!is_owner(ctx)) return error_page(ctx, 403, "Only the study's owner adds sessions.");
  if (auto st = studies_.add_session(study_id(ctx), first_value(ctx.form, "participant")); !st) {
    if (st.error().code != ErrorCode::kInvalidArgument)
      return fail(ctx, st.error(), "We could not add the session just now.");
    return render_study(ctx, &st.error(), "", 422);
  }
  return Response::redirect("/studies/" + ctx.req.params["study"]);
}

Response StudyPages::do_invite(Ctx& ctx) {
  if (!is_owner(ctx)) return error_page(ctx, 403, "Only the study's owner invites coders.");
  auto code = studies_.invite(study_id(ctx), *ctx.visitor.user_id);
  if (!code) return fail(ctx, code.error(), "We could not make an invitation just now.");
  return render_study(ctx, nullptr, *code, 200);
}

// ------------------------------------------------------------------ coding a session

Response StudyPages::session_page(Ctx& ctx) { return render_session(ctx, nullptr, 200); }

Response StudyPages::render_session(Ctx& ctx, const Error* error, int status) {
  auto study = studies_.load(study_id(ctx));
  if (!study) return fail(ctx, study.error(), "We could not read the study.");
  const studies::Session* session = nullptr;
  for (const auto& s : study->sessions)
    if (s.public_id == ctx.req.params["session"]) session = &s;
  if (!session) return error_page(ctx, 404, "There is no such session in this study.");
  const bool complete = study->complete(*session);
  const bool coder = ctx.access->subject().role == "coder";
  json::array codes;
  json::object mine;
  for (size_t i = 0; i < session->codes.size(); ++i) {
    // Blind: before every coder has submitted, each sees only their own code.
    if (session->coded_by[i] == *ctx.visitor.user_id) mine = code_view(session->codes[i]);
    if (complete) codes.push_back(code_view(session->codes[i]));
  }
  json::array rules;
  for (const auto& r : studies::timing_rules()) rules.push_back(json::object{{"rule", r}});
  json::object view{{"title", "Session " + session->participant},
                    {"study", study->public_id},
                    {"study_name", study->name},
                    {"session", session->public_id},
                    {"participant", session->participant},
                    {"complete", complete},
                    {"codes", codes},
                    {"has_mine", !mine.empty()},
                    {"mine", mine},
                    {"can_code", coder && !complete},
                    {"can_final", is_owner(ctx) && complete},
                    {"show_form", (coder && !complete) || (is_owner(ctx) && complete)},
                    {"form_action", coder && !complete ? "code" : "final"},
                    {"episodes", form_episodes()},
                    {"indices", index_groups()},
                    {"rules", rules},
                    {"saved", ctx.req.query.count("saved") > 0}};
  if (session->final_code) view["final"] = code_view(*session->final_code);
  view["has_final"] = session->final_code.has_value();
  if (error) view["error"] = error->message;
  return render_page(ctx, "study_session", std::move(view), status);
}

Response StudyPages::do_code(Ctx& ctx) {
  if (ctx.access->subject().role != "coder")
    return error_page(ctx, 403, "Only the study's coders code sessions.");
  auto st = studies_.submit(study_id(ctx), ctx.req.params["session"], *ctx.visitor.user_id,
                            read_code(ctx.form));
  if (!st) {
    if (st.error().code == ErrorCode::kNotFound) return error_page(ctx, 404, st.error().message);
    if (st.error().code != ErrorCode::kInvalidArgument)
      return fail(ctx, st.error(), "We could not save the code just now.");
    return render_session(ctx, &st.error(), 422);
  }
  return Response::redirect("/studies/" + ctx.req.params["study"] + "/sessions/" +
                            ctx.req.params["session"] + "?saved=1");
}

Response StudyPages::do_final(Ctx& ctx) {
  if (!is_owner(ctx)) return error_page(ctx, 403, "Only the study's owner records the final code.");
  auto st = studies_.finalise(study_id(ctx), ctx.req.params["session"], *ctx.visitor.user_id,
                              read_code(ctx.form));
  if (!st) {
    if (st.error().code == ErrorCode::kNotFound) return error_page(ctx, 404, st.error().message);
    if (st.error().code != ErrorCode::kInvalidArgument)
      return fail(ctx, st.error(), "We could not save the final code just now.");
    return render_session(ctx, &st.error(), 422);
  }
  return Response::redirect("/studies/" + ctx.req.params["study"] + "/sessions/" +
                            ctx.req.params["session"] + "?saved=1");
}

// ------------------------------------------------------------------ agreement and the report

Response StudyPages::agreement_page(Ctx& ctx) {
  auto study = studies_.load(study_id(ctx));
  if (!study) return fail(ctx, study.error(), "We could not read the study.");
  const auto coders = study->coders();
  json::array pairs;
  for (size_t a = 0; a < coders.size(); ++a)
    for (size_t b = a + 1; b < coders.size(); ++b) {
      std::vector<studies::SessionCode> first, second;
      // Only complete sessions: the report never unblinds a session still being coded.
      for (const auto& s : study->sessions) {
        if (!study->complete(s)) continue;
        for (size_t i = 0; i < s.codes.size(); ++i) {
          if (s.coded_by[i] == coders[a].user_id) first.push_back(s.codes[i]);
          if (s.coded_by[i] == coders[b].user_id) second.push_back(s.codes[i]);
        }
      }
      const auto r = studies::agreement(first, second);
      json::array scales, disagreements;
      for (const auto& s : r.scales)
        scales.push_back(
            json::object{{"name", studies::scale_name(s.scale)},
                         {"pairs", s.pairs},
                         {"kappa", s.has_kappa ? two(s.weighted_kappa.value) : "not defined"},
                         {"icc", s.has_icc ? two(s.icc.value) : "not defined"},
                         {"icc_ci", s.has_icc ? two(s.icc.lower) + " to " + two(s.icc.upper)
                                              : "the scores do not vary"}});
      for (const auto& d : r.disagreements)
        disagreements.push_back(json::object{{"participant", d.participant},
                                             {"what", d.what},
                                             {"first", d.first},
                                             {"second", d.second}});
      pairs.push_back(json::object{{"first", coders[a].label},
                                   {"second", coders[b].label},
                                   {"sessions", r.sessions},
                                   {"has_kappa", r.has_kappa},
                                   {"kappa", two(r.classification_kappa.value)},
                                   {"kappa_ci", two(r.classification_kappa.lower) + " to " +
                                                    two(r.classification_kappa.upper)},
                                   {"observed", percent(r.classification_kappa.observed)},
                                   {"scales", scales},
                                   {"disagreements", disagreements},
                                   {"has_disagreements", !disagreements.empty()}});
    }
  return render_page(ctx, "study_agreement",
                     {{"title", "Agreement: " + study->name},
                      {"study", study->public_id},
                      {"name", study->name},
                      {"pairs", pairs},
                      {"has_pairs", !pairs.empty()}});
}

Response StudyPages::report_page(Ctx& ctx) {
  auto study = studies_.load(study_id(ctx));
  if (!study) return fail(ctx, study.error(), "We could not read the study.");
  // Each session's classification: the final code, or the coders' when they all agree.
  std::map<std::string, int> counts;
  int classified = 0, open = 0;
  for (const auto& s : study->sessions) {
    std::string c;
    if (s.final_code) {
      c = s.final_code->classification;
    } else if (study->complete(s) && !s.codes.empty()) {
      c = s.codes[0].classification;
      for (const auto& x : s.codes)
        if (x.classification != c) c.clear();
    }
    if (c.empty()) {
      ++open;
      continue;
    }
    ++counts[c];
    ++classified;
  }
  json::array rows;
  for (const auto& r : studies::base_rates()) {
    const double share =
        classified ? static_cast<double>(counts[r.classification]) / classified : 0;
    rows.push_back(json::object{{"classification", r.classification},
                                {"count", counts[r.classification]},
                                {"share", percent(share)},
                                {"base", fmt::format("about {:.0f}%", r.percent)},
                                {"bar", static_cast<int>(std::lround(share * 100))}});
  }
  return render_page(ctx, "study_report",
                     {{"title", "Report: " + study->name},
                      {"study", study->public_id},
                      {"name", study->name},
                      {"rows", rows},
                      {"classified", classified},
                      {"open", open}});
}

Response StudyPages::export_csv(Ctx& ctx) {
  auto csv = studies_.export_csv(study_id(ctx));
  if (!csv) return fail(ctx, csv.error(), "We could not prepare the export.");
  Response res;
  res.body = std::move(*csv);
  res.set_header("Content-Type", "text/csv; charset=utf-8");
  res.set_header("Content-Disposition", "attachment; filename=\"study-codes.csv\"");
  res.set_header("Cache-Control", "no-store");
  return res;
}

Response StudyPages::do_import(Ctx& ctx) {
  if (!is_owner(ctx)) return error_page(ctx, 403, "Only the study's owner imports codes.");
  auto n = studies_.import_csv(study_id(ctx), *ctx.visitor.user_id, first_value(ctx.form, "csv"));
  if (!n) {
    if (n.error().code != ErrorCode::kInvalidArgument)
      return fail(ctx, n.error(), "We could not import the file just now.");
    return render_study(ctx, &n.error(), "", 422);
  }
  return Response::redirect("/studies/" + ctx.req.params["study"] +
                            "?imported=" + std::to_string(*n));
}

}  // namespace sb::web
