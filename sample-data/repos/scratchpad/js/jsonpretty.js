'use strict';

// Minimal JSON pretty-printer that preserves key order and can sort keys,
// cap line width for short arrays, and colourise output for terminals.

const COLORS = {
  key: '\x1b[36m',
  string: '\x1b[32m',
  number: '\x1b[33m',
  literal: '\x1b[35m',
  reset: '\x1b[0m',
};

function paint(kind, text, opts) {
  return opts.color ? COLORS[kind] + text + COLORS.reset : text;
}

function isInline(value, opts) {
  if (!Array.isArray(value) || value.length === 0) return false;
  if (!value.every((v) => v === null || typeof v !== 'object')) return false;
  return JSON.stringify(value).length <= opts.inlineWidth;
}

function render(value, depth, opts) {
  const pad = opts.indent.repeat(depth);
  const inner = opts.indent.repeat(depth + 1);

  if (value === null || typeof value === 'boolean') {
    return paint('literal', String(value), opts);
  }
  if (typeof value === 'number') {
    return paint('number', Number.isFinite(value) ? String(value) : 'null', opts);
  }
  if (typeof value === 'string') {
    return paint('string', JSON.stringify(value), opts);
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (isInline(value, opts)) {
      return '[' + value.map((v) => render(v, 0, opts)).join(', ') + ']';
    }
    const items = value.map((v) => inner + render(v, depth + 1, opts));
    return '[\n' + items.join(',\n') + '\n' + pad + ']';
  }
  let keys = Object.keys(value).filter((k) => value[k] !== undefined);
  if (opts.sortKeys) keys = keys.sort();
  if (keys.length === 0) return '{}';
  const entries = keys.map((k) => {
    const label = paint('key', JSON.stringify(k), opts);
    return inner + label + ': ' + render(value[k], depth + 1, opts);
  });
  return '{\n' + entries.join(',\n') + '\n' + pad + '}';
}

function pretty(input, options = {}) {
  const opts = {
    indent: '  ',
    sortKeys: false,
    inlineWidth: 60,
    color: false,
    ...options,
  };
  const value = typeof input === 'string' ? JSON.parse(input) : input;
  return render(value, 0, opts);
}

function main(argv) {
  const fs = require('fs');
  const sortKeys = argv.includes('--sort');
  const color = process.stdout.isTTY && !argv.includes('--no-color');
  const file = argv.find((a) => !a.startsWith('--'));
  const text = fs.readFileSync(file ? file : 0, 'utf8');
  try {
    process.stdout.write(pretty(text, { sortKeys, color }) + '\n');
  } catch (err) {
    process.stderr.write(`jsonpretty: ${err.message}\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2));
}

module.exports = { pretty };
