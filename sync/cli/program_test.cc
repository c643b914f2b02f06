#include "sync/cli/program.h"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <regex>
#include <sstream>

#include "sync/cli/parse.h"

namespace outpost::cli {
namespace {

// A small program: two levels of commands, global and local options.
struct Tree {
  CLI::App app{"tool: a test program (测试)"};
  std::string db, date;
  Tree() {
    app.require_subcommand(1);
    app.fallthrough();
    app.add_option("--db", db, "database file");
    CLI::App* customer = app.add_subcommand("customer", "customers");
    customer->add_subcommand("find", "find one")->add_option("--date", date, "a day");
    customer->add_subcommand("add", "add one \\ .dot");
    app.add_subcommand("confirm", "confirm a booking");
    AddProgramCommands(app, "tool", Schemas::kEdgeAndHub);
  }
};

TEST(ProgramTest, VersionNamesTheProgramAndEachSchema) {
  EXPECT_TRUE(std::regex_match(VersionLine("outpost-edge", Schemas::kEdge),
                               std::regex(R"(outpost-edge \d+\.\d+\.\d+ \(schema: edge \d+\))")));
  EXPECT_TRUE(
      std::regex_match(VersionLine("outpost", Schemas::kEdgeAndHub),
                       std::regex(R"(outpost \d+\.\d+\.\d+ \(schema: edge \d+, hub \d+\))")));
}

TEST(ProgramTest, HiddenCommandsAreNotOffered) {
  Tree tree;
  EXPECT_EQ(VisibleCommandNames(tree.app), (std::vector<std::string>{"confirm", "customer"}));
  std::ostringstream out, err;
  const char* argv[] = {"tool", "completion", "bash"};
  auto code = ParseCommandLine(tree.app, 3, const_cast<char**>(argv), "tool", out, err);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << err.str();
  const std::string script = out.str();
  EXPECT_NE(script.find("\"\") echo \"confirm customer\""), std::string::npos) << script;
  EXPECT_NE(script.find("\"customer\") echo \"add find\""), std::string::npos) << script;
  EXPECT_NE(script.find("\"customer find\") echo \"--help --date --db --version\""),
            std::string::npos)
      << script;
  EXPECT_NE(script.find("complete -o default -F _tool tool"), std::string::npos);
}

TEST(ProgramTest, AnUnknownShellIsNamed) {
  Tree tree;
  std::ostringstream out, err;
  const char* argv[] = {"tool", "completion", "zsh"};
  auto code = ParseCommandLine(tree.app, 3, const_cast<char**>(argv), "tool", out, err);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1);
  EXPECT_EQ(err.str(), "tool: invalid input: shell: 'zsh' is not supported (only bash)\n");
}

TEST(ProgramTest, ManPageEscapesWhatRoffWouldRead) {
  Tree tree;
  const std::string page = ManPage(tree.app, "tool");
  EXPECT_EQ(page.rfind(".TH TOOL 1 ", 0), 0u) << page;
  EXPECT_NE(page.find("tool \\- a test program (\\[u6D4B]\\[u8BD5])"), std::string::npos) << page;
  EXPECT_NE(page.find(".SS \"tool customer find\""), std::string::npos) << page;
  EXPECT_NE(page.find("\\fB\\-\\-date\\fR \\fITEXT\\fR"), std::string::npos) << page;
  EXPECT_NE(page.find("add one \\e .dot"), std::string::npos) << page;
  EXPECT_EQ(page.find("completion"), std::string::npos) << page;
}

}  // namespace
}  // namespace outpost::cli
