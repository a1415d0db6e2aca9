// `npm run api`: the HTTP API alone (DATABASE_URL, TEMPORAL_ADDRESS and ADMIN_TOKEN required).
import { runProcess } from '../runtime/process';

void runProcess('api');
