// `npm run api`: the HTTP API alone (DATABASE_URL, TEMPORAL_ADDRESS, ADMIN_TOKEN and PUBLIC_URL required).
import { runProcess } from './process';

void runProcess('api');
