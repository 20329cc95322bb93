// (a) Bare Express: the baseline every other scenario is divided by.

export async function start() {
  return {};
}
