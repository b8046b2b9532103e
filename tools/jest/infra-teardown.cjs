module.exports = async function infraTeardown() {
  const infra = globalThis.__ARBITER_INFRA__;
  if (infra) await infra.stop();
};
