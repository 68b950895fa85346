/* Linux programs include <sys/poll.h> as often as <poll.h>. */
#include <poll.h>
