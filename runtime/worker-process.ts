// `npm run worker`: one Temporal worker (run as many as needed on one task queue).
import { runProcess } from './process';

void runProcess('worker');
