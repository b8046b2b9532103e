import baseConfig from '../../eslint.config.mjs';

// Specs may also import fast-check (the invariant tests); production code stays on decimal.js alone.
// The spec rule is derived from the root one, so the boundaries cannot drift apart.
const block = baseConfig.find(
  (config) => config.rules?.['@nx/enforce-module-boundaries'],
);
if (!block)
  throw new Error(
    'root eslint config has no @nx/enforce-module-boundaries rule',
  );
const [level, options] = block.rules['@nx/enforce-module-boundaries'];
const specOptions = {
  ...options,
  depConstraints: options.depConstraints.map((constraint) =>
    constraint.sourceTag === 'type:domain'
      ? {
          ...constraint,
          allowedExternalImports: [
            ...constraint.allowedExternalImports,
            'fast-check',
          ],
        }
      : constraint,
  ),
};

export default [
  ...baseConfig,
  {
    files: ['**/*.spec.ts'],
    rules: { '@nx/enforce-module-boundaries': [level, specOptions] },
  },
];
