// A small JSON HTTP server on 127.0.0.1 for the overhead benchmark: each request builds and
// serialises a few hundred objects. Prints the port once listening.
import { handle, listen } from './json-app.mjs';

listen(handle);
