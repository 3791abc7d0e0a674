/* overload.c - see overload.h. */
#include "overload.h"

int overload_should_shed(int waited_ms, enum route_id route)
{
    return route != ROUTE_HEALTH && waited_ms > OVERLOAD_WAIT_MS;
}
