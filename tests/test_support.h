// Helpers shared by the test executables.
#pragma once

#include "dora/error.h"

#include <QString>

#include <exception>
#include <functional>

namespace dora::testing {

// The message of the dora::Error that `fn` throws; "" if it throws nothing, and a note for anything
// else (an error a user would see as a crash, which the tests treat as a failure).
inline QString error_of(const std::function<void()>& fn)
{
    try {
        fn();
    } catch (const dora::Error& e) {
        return QString::fromStdString(e.what());
    } catch (const std::exception& e) {
        return QString("not a dora::Error: ") + e.what();
    }
    return {};
}

}  // namespace dora::testing
