// A small command-line parser for dora-cli: positional arguments and --flags with or without values.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace dora::cli {

class Args {
public:
    // `valued` lists the flags that take a value (--db FILE); the rest are switches (--json).
    // Throws dora::Error for an unknown flag or a flag missing its value.
    Args(const std::vector<std::string>& argv, const std::set<std::string>& valued, const std::set<std::string>& switches);

    const std::vector<std::string>& positional() const { return m_positional; }
    bool has(const std::string& flag) const { return m_values.count(flag) > 0; }
    std::string value(const std::string& flag, const std::string& fallback = "") const;
    long long integer(const std::string& flag, long long fallback) const;

private:
    std::vector<std::string> m_positional;
    std::map<std::string, std::string> m_values;
};

// A run id as typed by a user: a positive whole number, nothing else.
long long parse_run_id(const std::string& text);

}  // namespace dora::cli
