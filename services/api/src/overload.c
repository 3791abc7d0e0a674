/* overload.c - see overload.h. */
#include "overload.h"

int overload_should_shed(int waited_ms, const struct route *route)
{
    return !route->always_served && waited_ms > OVERLOAD_WAIT_MS;
}
