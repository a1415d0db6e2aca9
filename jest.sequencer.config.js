// The order jest hands test files to its two workers. The chaos run (a whole deployment of its own,
// timing-sensitive) goes first, while the other worker takes the quick unit tests; the other
// end-to-end suites, each with servers of their own, come after, so that the heaviest never all
// run at once on a 2-core machine. Within each group, jest's own order (slowest first, once known).
const Sequencer = require('@jest/test-sequencer').default;

const isChaos = (test) => test.path.endsWith('/test/e2e/chaos.test.ts');
const isHeavy = (test) => test.path.includes('/test/e2e/') || test.path.endsWith('/big-requests.test.ts');

class OneHeavyAtATimeFirst extends Sequencer {
  async sort(tests) {
    const ordered = await super.sort(tests);
    return [
      ...ordered.filter(isChaos),
      ...ordered.filter((t) => !isChaos(t) && !isHeavy(t)),
      ...ordered.filter((t) => !isChaos(t) && isHeavy(t)),
    ];
  }
}

module.exports = OneHeavyAtATimeFirst;
