// Two tiny sentence grammars for the demo language model.
#include "data/demo_text.h"

#include <array>
#include <vector>

namespace dora::data {
namespace {

// SplitMix64: portable and fully specified, unlike the standard library's distributions.
class Rng {
public:
    explicit Rng(uint64_t seed) : m_state(seed) {}
    uint64_t next()
    {
        uint64_t z = (m_state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    template <typename List> const std::string& pick(const List& list) { return list[next() % list.size()]; }

private:
    uint64_t m_state;
};

using Words = std::vector<std::string>;

std::string meadow_sentence(Rng& rng)
{
    static const Words animals = {"fox", "hare", "owl", "deer", "badger", "wren", "otter", "crow", "mole", "lark"};
    static const Words moods = {"quick", "quiet", "old", "young", "brown", "grey", "small", "bold", "shy", "wild"};
    static const Words verbs = {"runs", "sleeps", "hides", "waits", "sings", "wanders", "rests", "hunts"};
    static const Words places = {"the hill", "the river", "the old oak", "the meadow", "the stone wall",
                                 "the tall grass", "the pond", "the hedge"};
    static const Words preps = {"near", "under", "beside", "behind", "over", "across"};
    static const Words times = {"at dawn", "at night", "in the rain", "all day", "after the storm", "in spring"};
    switch (rng.next() % 3) {
    case 0:
        return "the " + rng.pick(moods) + " " + rng.pick(animals) + " " + rng.pick(verbs) + " " + rng.pick(preps) +
               " " + rng.pick(places) + ".";
    case 1:
        return "a " + rng.pick(animals) + " " + rng.pick(verbs) + " " + rng.pick(times) + ".";
    default:
        return "the " + rng.pick(animals) + " and the " + rng.pick(animals) + " " +
               std::string(rng.next() % 2 ? "watch " : "follow ") + rng.pick(places) + " " + rng.pick(times) + ".";
    }
}

std::string kitchen_sentence(Rng& rng)
{
    static const Words actions = {"stir", "whisk", "chop", "fold", "pour", "slice", "knead", "simmer", "season"};
    static const Words foods = {"the flour", "two eggs", "the butter", "the onions", "a cup of milk", "the dough",
                                "the garlic", "fresh herbs", "the sauce", "three carrots"};
    static const Words tools = {"in a bowl", "with a spoon", "in the pan", "on the board", "in a pot",
                                "with a fork"};
    static const Words amounts = {"two", "five", "ten", "twenty", "thirty"};
    static const Words heats = {"low heat", "medium heat", "high heat"};
    switch (rng.next() % 3) {
    case 0:
        return rng.pick(actions) + " " + rng.pick(foods) + " " + rng.pick(tools) + ".";
    case 1:
        return "cook " + rng.pick(foods) + " on " + rng.pick(heats) + " for " + rng.pick(amounts) + " minutes.";
    default:
        return "add " + rng.pick(foods) + ", then " + rng.pick(actions) + " " + rng.pick(foods) + ".";
    }
}

}  // namespace

std::string demo_text(DemoTextDomain domain, uint64_t seed, int sentences)
{
    Rng rng(seed * 2 + (domain == DemoTextDomain::Kitchen ? 1 : 0));
    std::string text;
    for (int i = 0; i < sentences; ++i) {
        text += domain == DemoTextDomain::Meadow ? meadow_sentence(rng) : kitchen_sentence(rng);
        text += (rng.next() % 4 == 0) ? "\n" : " ";
    }
    return text;
}

}  // namespace dora::data
