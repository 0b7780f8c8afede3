/**
 * Random run names in MLflow's style (`<adjective>-<noun>-<0..999>`, at most 20 characters, e.g.
 * `receptive-hare-278`), generated when a run is created without a name.
 */
import { MlflowError } from '../errors.js';

export const RUN_NAME_ADJECTIVES = [
  'able', 'abundant', 'adaptable', 'adorable', 'adventurous', 'agreeable', 'ambitious', 'amazing', 'amusing',
  'auspicious', 'awesome', 'bald', 'beautiful', 'bemused', 'big', 'blushing', 'bold', 'bouncy', 'brawny', 'bright',
  'burly', 'bustling', 'calm', 'capable', 'carefree', 'caring', 'casual', 'charming', 'chill', 'classy', 'clean',
  'clumsy', 'colorful', 'crawling', 'dapper', 'dashing', 'dazzling', 'debonair', 'defiant', 'delicate', 'efficient',
  'enchanting', 'fearless', 'flawless', 'fortunate', 'fun', 'funny', 'gaudy', 'gentle', 'gifted', 'glamorous',
  'gregarious', 'handsome', 'honorable', 'industrious', 'intelligent', 'invincible', 'judicious', 'kindly',
  'languid', 'learned', 'legendary', 'likeable', 'loud', 'luminous', 'lyrical', 'marvelous', 'masked', 'melodic',
  'merciful', 'mysterious', 'nebulous', 'nervous', 'nimble', 'nosy', 'orderly', 'overjoyed', 'painted', 'peaceful',
  'placid', 'polite', 'popular', 'powerful', 'puzzled', 'rare', 'rebellious', 'receptive', 'redolent', 'resilient',
  'respected', 'righteous', 'rogue', 'rumbling', 'salty', 'sassy', 'secretive', 'sedate', 'selective', 'serious',
  'shivering', 'silent', 'sincere', 'skillful', 'skittish', 'smiling', 'sneaky', 'spiffy', 'stately', 'stylish',
  'suave', 'tasteful', 'thoughtful', 'thundering', 'traveling', 'treasured', 'trusting', 'unequaled', 'unique',
  'unleashed', 'unruly', 'upbeat', 'upset', 'useful', 'valuable', 'vaunted', 'victorious', 'welcoming', 'whimsical',
  'wise', 'wistful', 'worried', 'youthful', 'zealous',
];

export const RUN_NAME_NOUNS = [
  'ant', 'ape', 'asp', 'auk', 'bass', 'bat', 'bear', 'bee', 'bird', 'boar', 'bug', 'calf', 'carp', 'cat', 'chimp',
  'cod', 'colt', 'conch', 'cow', 'crab', 'crane', 'croc', 'crow', 'cub', 'deer', 'doe', 'dog', 'dolphin', 'donkey',
  'dove', 'duck', 'eel', 'elk', 'fawn', 'finch', 'fish', 'flea', 'fly', 'foal', 'fowl', 'fox', 'frog', 'gnat', 'gnu',
  'goat', 'goose', 'grouse', 'grub', 'gull', 'hare', 'hawk', 'hen', 'hog', 'horse', 'hound', 'jay', 'kit', 'kite',
  'koi', 'lamb', 'lark', 'loon', 'lynx', 'mare', 'midge', 'mink', 'mole', 'moose', 'moth', 'mouse', 'mule', 'newt',
  'owl', 'ox', 'panda', 'penguin', 'perch', 'pig', 'pug', 'quail', 'ram', 'rat', 'ray', 'robin', 'roo', 'rook',
  'seal', 'shad', 'shark', 'sheep', 'shoat', 'shrew', 'shrike', 'shrimp', 'skink', 'skunk', 'sloth', 'slug', 'smelt',
  'snail', 'snake', 'snipe', 'sow', 'sponge', 'squid', 'squirrel', 'stag', 'steed', 'stoat', 'stork', 'swan', 'tern',
  'toad', 'trout', 'turtle', 'vole', 'wasp', 'whale', 'wolf', 'worm', 'wren', 'yak', 'zebra',
];

export const MAX_GENERATED_RUN_NAME_LENGTH = 20;

function pick<T>(items: readonly T[], random: () => number): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new RangeError('pick: empty list or random() outside [0, 1)');
  return item;
}

/** `random` is injectable for reproducible names in tests. */
export function generateRunName(random: () => number = Math.random): string {
  // MLflow redraws until the name fits; the word lists make a fit overwhelmingly likely per draw.
  for (;;) {
    const name = `${pick(RUN_NAME_ADJECTIVES, random)}-${pick(RUN_NAME_NOUNS, random)}-${Math.floor(random() * 1000)}`;
    if (name.length <= MAX_GENERATED_RUN_NAME_LENGTH) return name;
  }
}

/** The tag that carries a run's name; MLflow keeps it equal to `RunInfo.run_name`. */
export const RUN_NAME_TAG = 'mlflow.runName';

/**
 * MLflow's create-run naming rule, shared by every store: `run_name` and the `mlflow.runName` tag
 * must agree when both are given; either one names the run; neither → a generated name.
 */
export function resolveRunName(runName: string | undefined, tagName: string | undefined): string {
  if (runName && tagName && tagName !== runName) {
    throw new MlflowError('INVALID_PARAMETER_VALUE',
      `Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values ` +
      `(run_name='${runName}', mlflow.runName='${tagName}').`);
  }
  return runName || tagName || generateRunName();
}
