// A training step's promise that the adapter layers' outputs it creates are read by nothing after
// the one backward pass that follows: no retain_graph, and no caller keeps them. Inside the scope
// DoRA's CPU backward writes dz = g ⊙ dy over its saved output y, which it has just read for the last
// time, instead of into a fresh (tokens, out) buffer. Outside it (tests, scoring, any library use)
// outputs are never touched. The promise is taken when the forward pass runs, on its thread.
#pragma once

namespace dora::adapters {

class OutputReuseScope {
public:
    OutputReuseScope() : m_previous(active()) { active() = true; }
    ~OutputReuseScope() { active() = m_previous; }
    OutputReuseScope(const OutputReuseScope&) = delete;
    OutputReuseScope& operator=(const OutputReuseScope&) = delete;

    static bool allowed() { return active(); }

private:
    static bool& active()
    {
        thread_local bool value = false;
        return value;
    }
    bool m_previous;
};

}  // namespace dora::adapters
