// The one definition loader (workflows/definition_loader.hpp) with the real schemas and
// tasks: the files it takes, each stage's messages and JSON pointers, and every rule the C++
// states firing on a definition that breaks it (the schema's own rules are the validator's).
#include "workflows/definition_loader.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "adapters/codec/definition_schemas.hpp"
#include "adapters/codec/embedded_schemas.hpp"
#include "adapters/codec/known_tasks.hpp"
#include "tests/unit/engine_fixture.hpp"
#include "workflows/steps/step_kind.hpp"

namespace enroll {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// accept-terms -> selfie (3 tries, liveness task, its threshold) -> issue (registry task).
json mini() {
  return json::parse(R"({"channel": "mini", "version": 1, "steps": [
    {"name": "accept-terms", "phase": "consent", "kind": "accept_terms", "expects": ["terms.accept"]},
    {"name": "selfie", "phase": "biometrics", "kind": "selfie_liveness", "config": {"min_score": 0.8},
     "expects": ["selfie.capture"], "task": {"connector": "capture", "name": "face.liveness"},
     "tries": 3},
    {"name": "issue", "phase": "issued", "kind": "issue_identity",
     "task": {"connector": "registry", "name": "identity.issue"}}]})");
}

class DefinitionLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device random;
    dir_ = fs::temp_directory_path() / ("definition_loader_test-" + std::to_string(random()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write_text(const std::string& name, const std::string& text) {
    const auto path = dir_ / name;
    std::ofstream(path) << text;
    return path;
  }
  fs::path write(const std::string& name, const json& doc) { return write_text(name, doc.dump(2)); }

  LoadedDefinitions load(const std::vector<fs::path>& files) const {
    return load_definitions(files, codec::DefinitionSchemas(schemas_), codec::known_tasks());
  }
  // The one error `doc` gets, as pointer and message.
  std::pair<std::string, std::string> only_error(const json& doc) {
    const auto loaded = load({write("def.json", doc)});
    EXPECT_EQ(loaded.errors.size(), 1U);
    if (loaded.errors.empty()) return {};
    EXPECT_FALSE(loaded.files.front().loaded);
    return {loaded.errors.front().pointer, loaded.errors.front().message};
  }

  fs::path dir_;
  codec::SchemaSet schemas_;
};

using Error = std::pair<std::string, std::string>;

TEST_F(DefinitionLoaderTest, TheShippedChannelsLoadWithoutFindings) {
  const auto loaded = load(definition_files(testing::channels_folder()));
  for (const auto& e : loaded.errors) ADD_FAILURE() << e.text();
  for (const auto& w : loaded.warnings) ADD_FAILURE() << w.text();
  EXPECT_EQ(
      loaded.catalog.channels(),
      (std::vector<std::string>{"kiosk", "officer-assisted", "passcode-reset", "self-service"}));
  // The kinds with settings made theirs; the others none.
  const auto* self_service = loaded.catalog.latest("self-service");
  ASSERT_NE(self_service, nullptr);
  EXPECT_NE(self_service->find("selfie")->config, nullptr);
  EXPECT_EQ(self_service->find("accept-terms")->config, nullptr);
}

TEST_F(DefinitionLoaderTest, TheFolderGivesItsJsonFilesInNameOrder) {
  write("b.json", mini());
  write("a.json", mini());
  write_text("notes.txt", "not a definition");
  fs::create_directories(dir_ / "old.json");  // a folder, not a file
  write("old.json/c.json", mini());
  EXPECT_EQ(definition_files(dir_), (std::vector<fs::path>{dir_ / "a.json", dir_ / "b.json"}));
}

TEST_F(DefinitionLoaderTest, AFolderThatIsMissingOrEmptyIsRefused) {
  EXPECT_THROW(definition_files(dir_), DefinitionError);  // no *.json
  try {
    definition_files(dir_ / "nowhere");
    ADD_FAILURE() << "no throw";
  } catch (const DefinitionError& e) {
    EXPECT_EQ(std::string(e.what()),
              "workflows folder " + (dir_ / "nowhere").string() + " does not exist");
  }
}

TEST_F(DefinitionLoaderTest, AFileThatCannotBeReadOrIsNotJson) {
  const auto loaded = load({dir_ / "missing.json", write_text("bad.json", "{\"channel\": ")});
  ASSERT_EQ(loaded.errors.size(), 2U);
  EXPECT_EQ(loaded.errors[0].text(), (dir_ / "missing.json").string() + ": cannot be read");
  EXPECT_EQ(loaded.errors[1].message.rfind("not JSON: parse error at line 1, column 13", 0), 0U)
      << loaded.errors[1].message;
  EXPECT_EQ(loaded.errors[1].pointer, "");
}

TEST_F(DefinitionLoaderTest, TheSchemaComesFirstAndNamesWhere) {
  auto doc = mini();
  doc["steps"][1]["wait_s"] = 5;
  doc["steps"][2]["kind"] = "teleport";  // a later stage's problem: not reported yet
  EXPECT_EQ(only_error(doc),
            (Error{"/steps/1/wait_s",
                   "schema channel-definition.schema.json: violates 'additionalProperties' at "
                   "#/steps/1/wait_s"}));
}

TEST_F(DefinitionLoaderTest, AnUnknownKindListsTheKnownOnes) {
  auto doc = mini();
  doc["steps"][0]["kind"] = "teleport";
  const auto [pointer, message] = only_error(doc);
  EXPECT_EQ(pointer, "/steps/0/kind");
  EXPECT_EQ(
      message.rfind("channel mini, step accept-terms: unknown step kind 'teleport' (known: ", 0),
      0U)
      << message;
  EXPECT_NE(message.find("selfie_liveness"), std::string::npos);
}

TEST_F(DefinitionLoaderTest, AKindsConfigIsCheckedAgainstItsOwnSchema) {
  auto doc = mini();
  doc["steps"][1]["config"]["min_score"] = 1.5;
  EXPECT_EQ(only_error(doc),
            (Error{"/steps/1/config/min_score",
                   "channel mini, step selfie: schema steps/selfie_liveness.schema.json: violates "
                   "'maximum' at #/steps/1/config/min_score"}));
  doc["steps"][1].erase("config");
  EXPECT_EQ(only_error(doc),
            (Error{"/steps/1/config",
                   "channel mini, step selfie: schema steps/selfie_liveness.schema.json: violates "
                   "'required' at #/steps/1/config"}));
}

TEST_F(DefinitionLoaderTest, AKindWithoutSettingsTakesNoConfig) {
  auto doc = mini();
  doc["steps"][0]["config"] = {{"min_score", 0.5}};
  EXPECT_EQ(only_error(doc), (Error{"/steps/0/config",
                                    "channel mini, step accept-terms: kind accept_terms takes no "
                                    "config"}));
}

TEST_F(DefinitionLoaderTest, AKindChecksWhatItsSchemaCannot) {
  auto doc = mini();
  doc["steps"].insert(
      doc["steps"].begin() + 2,
      json::parse(R"({"name": "set-passcode", "phase": "pin", "kind": "set_passcode",
                          "config": {"length": 6, "max_run": 6, "max_same_digit": 2},
                          "expects": ["passcode.set"]})"));
  EXPECT_EQ(only_error(doc),
            (Error{"/steps/2/config",
                   "channel mini, step set-passcode: config: max_run 6 is not below length 6: no "
                   "run would ever be refused"}));
}

TEST_F(DefinitionLoaderTest, EachRuleOfOneStepFires) {
  auto no_task = mini();
  no_task["steps"][1].erase("task");
  EXPECT_EQ(only_error(no_task),
            (Error{"/steps/1", "channel mini, step selfie: kind selfie_liveness needs a task"}));

  auto awaits_nothing = mini();
  awaits_nothing["steps"][0].erase("expects");
  EXPECT_EQ(only_error(awaits_nothing),
            (Error{"/steps/0",
                   "channel mini, step accept-terms: awaits nothing: give it expects or a task"}));

  auto lock = mini();
  lock["steps"][1]["on_exhausted"] = {{"action", "lock"}};
  EXPECT_EQ(only_error(lock), (Error{"/steps/1/on_exhausted",
                                     "channel mini, step selfie: a lock needs cool_down_s"}));

  auto hand_over = mini();
  hand_over["steps"][1]["on_exhausted"] = {{"action", "hand_over"}, {"channel", ""}};
  EXPECT_EQ(only_error(hand_over), (Error{"/steps/1/on_exhausted",
                                          "channel mini, step selfie: hand_over needs a channel"}));
}

TEST_F(DefinitionLoaderTest, EveryFailingStepIsReportedBeforeTheRulesAcrossSteps) {
  auto doc = mini();
  doc["steps"][0].erase("expects");
  doc["steps"][1].erase("task");
  doc["steps"][2]["name"] = "selfie";  // across steps: not reached
  const auto loaded = load({write("def.json", doc)});
  ASSERT_EQ(loaded.errors.size(), 2U);
  EXPECT_EQ(loaded.errors[0].pointer, "/steps/0");
  EXPECT_EQ(loaded.errors[1].pointer, "/steps/1");
}

TEST_F(DefinitionLoaderTest, EachRuleAcrossStepsFires) {
  auto duplicate = mini();
  duplicate["steps"][2]["name"] = "selfie";
  EXPECT_EQ(only_error(duplicate),
            (Error{"/steps/2", "channel mini, step selfie: duplicate step name"}));

  auto backwards = mini();
  backwards["steps"][0]["phase"] = "review";
  backwards["steps"][1]["phase"] = "card";
  EXPECT_EQ(only_error(backwards),
            (Error{"/steps/1", "channel mini, step selfie: phase card comes after review"}));

  auto connector = mini();
  connector["steps"][2]["task"]["connector"] = "capture";
  EXPECT_EQ(only_error(connector),
            (Error{"/steps/2",
                   "channel mini, step issue: task 'identity.issue' belongs to connector "
                   "'registry', not 'capture'"}));

  auto unknown_connector = mini();
  unknown_connector["steps"][2]["task"]["connector"] = "camera";
  EXPECT_EQ(only_error(unknown_connector)
                .second.rfind("channel mini, step issue: unknown connector 'camera' (known: ", 0),
            0U);

  auto unknown_task = mini();
  unknown_task["steps"][2]["task"]["name"] = "identity.print";
  EXPECT_EQ(
      only_error(unknown_task)
          .second.rfind("channel mini, step issue: unknown task 'identity.print' (known: ", 0),
      0U);

  auto hand_over = mini();
  hand_over["steps"][1]["on_exhausted"] = {{"action", "hand_over"}, {"channel", "nowhere"}};
  EXPECT_EQ(only_error(hand_over),
            (Error{"/steps/1",
                   "channel mini, step selfie: hands over to unknown channel 'nowhere' (known: "
                   "mini)"}));
}

TEST_F(DefinitionLoaderTest, WarningsDoNotStopADefinition) {
  auto doc = mini();
  doc["steps"][0]["on_exhausted"] = {{"action", "lock"}, {"cool_down_s", 60}};  // tries 0
  doc["steps"][1]["on_exhausted"] = {{"action", "hand_over"}, {"channel", "mini"}};
  const auto loaded = load({write("def.json", doc)});
  EXPECT_TRUE(loaded.ok());
  EXPECT_TRUE(loaded.files.front().loaded);
  ASSERT_EQ(loaded.warnings.size(), 2U);
  EXPECT_EQ(loaded.warnings[0].message,
            "channel mini, step accept-terms: on_exhausted lock never happens: tries is 0 "
            "(unlimited)");
  EXPECT_EQ(loaded.warnings[1].message, "channel mini, step selfie: hands over to its own channel");
}

TEST_F(DefinitionLoaderTest, AHandOverMayNameAChannelWhoseFileFails) {
  auto broken = mini();
  broken["channel"] = "officer";
  broken["steps"][0]["kind"] = "teleport";
  auto doc = mini();
  doc["steps"][1]["on_exhausted"] = {{"action", "hand_over"}, {"channel", "officer"}};
  const auto loaded = load({write("a.json", broken), write("b.json", doc)});
  ASSERT_EQ(loaded.errors.size(), 1U);
  EXPECT_EQ(loaded.errors[0].file, dir_ / "a.json");
  EXPECT_EQ(loaded.files[0].channel, "officer");
  EXPECT_TRUE(loaded.files[1].loaded);
}

TEST_F(DefinitionLoaderTest, OfTwoFilesWithOneChannelAndVersionTheLaterIsRefused) {
  const auto first = write("a.json", mini());
  const auto second = write("b.json", mini());
  const auto loaded = load({first, second});
  ASSERT_EQ(loaded.errors.size(), 1U);
  EXPECT_EQ(loaded.errors[0].text(),
            second.string() + ": channel mini version 1 is also defined in " + first.string());
  EXPECT_TRUE(loaded.files[0].loaded);
  EXPECT_FALSE(loaded.files[1].loaded);
  EXPECT_NE(loaded.catalog.get("mini", 1), nullptr);
}

// A kind's schema is found by the kind's name: one without a kind would never be used.
TEST(StepKindSchemas, EachNamesARegisteredKind) {
  const std::string prefix = "steps/";
  int count = 0;
  for (const auto& [path, text] : codec::embedded_schemas()) {
    if (path.rfind(prefix, 0) != 0) continue;
    ++count;
    const auto kind = path.substr(prefix.size(), path.size() - prefix.size() - 12);
    EXPECT_NE(find_step_kind(kind), nullptr) << path;
  }
  EXPECT_EQ(count, 8);
}

}  // namespace
}  // namespace enroll
