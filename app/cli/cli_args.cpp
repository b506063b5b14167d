#include "cli_args.h"

#include "dora/error.h"

namespace dora::cli {

Args::Args(const std::vector<std::string>& argv, const std::set<std::string>& valued,
           const std::set<std::string>& switches)
{
    for (size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (a.rfind("--", 0) != 0 || a == "--") {
            m_positional.push_back(a);
            continue;
        }
        std::string flag = a, value;
        const auto eq = a.find('=');
        if (eq != std::string::npos) {
            flag = a.substr(0, eq);
            value = a.substr(eq + 1);
        }
        if (valued.count(flag)) {
            if (eq == std::string::npos) {
                if (i + 1 >= argv.size())
                    throw Error(flag + " needs a value");
                value = argv[++i];
            }
            m_values[flag] = value;
        } else if (switches.count(flag) && eq == std::string::npos) {
            m_values[flag] = "1";
        } else {
            throw Error("unknown option " + flag);
        }
    }
}

std::string Args::value(const std::string& flag, const std::string& fallback) const
{
    auto it = m_values.find(flag);
    return it == m_values.end() ? fallback : it->second;
}

long long Args::integer(const std::string& flag, long long fallback) const
{
    if (!has(flag))
        return fallback;
    const std::string v = value(flag);
    try {
        size_t used = 0;
        const long long n = std::stoll(v, &used);
        if (used == v.size())
            return n;
    } catch (const std::exception&) {
    }
    throw Error(flag + " needs a whole number, got '" + v + "'");
}

long long parse_run_id(const std::string& text)
{
    try {
        size_t used = 0;
        const long long id = std::stoll(text, &used);
        if (used == text.size() && id > 0)
            return id;
    } catch (const std::exception&) {
    }
    throw Error("'" + text + "' is not a run id (a whole number; `dora-cli runs` lists them)");
}

}  // namespace dora::cli
