/* listener.h - stop accepting connections without stopping CivetWeb.
 *
 * CivetWeb has no call to close its listening socket short of mg_stop(),
 * and mg_stop() also aborts every read and write in flight. A graceful
 * stop needs the two apart: refuse new connections first, finish the
 * requests in flight, then mg_stop(). */
#ifndef API_LISTENER_H
#define API_LISTENER_H

/* Finds this process's listening TCP socket on port and replaces it, via
 * dup2(), with the read end of a pipe that never becomes readable: the
 * kernel closes the listener (new connections are refused) while CivetWeb's
 * accept loop keeps polling a valid descriptor that never fires. Returns
 * the pipe's write end (close it after mg_stop()), or -1 if no listener
 * was found. */
int listener_close(int port);

#endif
