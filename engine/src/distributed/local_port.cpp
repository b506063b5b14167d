// A free TCP port on the loopback interface, for a run whose ranks all live on this machine.
#include "dora/distributed.h"

#include "dora/error.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace dora {

int free_local_port()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;  // the kernel chooses
    socklen_t length = sizeof address;
    const bool ok = fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
    const int error = errno;
    if (fd >= 0)
        ::close(fd);
    if (!ok)
        throw Error(std::string("could not find a free port on 127.0.0.1: ") + std::strerror(error));
    return ntohs(address.sin_port);
}

}  // namespace dora
