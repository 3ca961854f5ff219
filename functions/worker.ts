// Entry of the worker image and of `npm start`: `node dist/functions/worker.js`. The compile cache is
// on before the worker's bundle (dist/functions/worker/index.js) loads.
import './compile-cache.js';
import './worker/index.js';
