// tsc copies only .ts; the Lua scripts and other runtime assets must sit beside the compiled modules.
import { cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (/\.(lua|html|css|js)$/.test(name) && !name.endsWith('.test.js')) cpSync(path, path.replace(/^src/, 'dist'));
  }
}
if (existsSync('src')) walk('src');
