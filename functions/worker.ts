// Entry of the worker image and of `npm start`: `node dist/functions/worker.js`.
import './worker/index.js';
