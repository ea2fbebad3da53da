/* skc — xoshiro256** pseudo-random numbers (public-domain algorithm by
 * Blackman and Vigna), so fits are reproducible on every platform.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

#include <math.h>

static uint64_t
splitmix64 (uint64_t *state)
{
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void
skc_rng_seed (skc_rng *rng, uint64_t seed, uint64_t stream)
{
  uint64_t state = seed ^ (stream * 0xd1342543de82ef95ull);
  for (int i = 0; i < 4; i++)
    rng->s[i] = splitmix64 (&state);
}

static inline uint64_t
rotl (uint64_t x, int k)
{
  return (x << k) | (x >> (64 - k));
}

uint64_t
skc_rng_next (skc_rng *rng)
{
  uint64_t *s = rng->s;
  uint64_t result = rotl (s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

double
skc_rng_uniform (skc_rng *rng)
{
  return (skc_rng_next (rng) >> 11) * 0x1.0p-53;
}

double
skc_rng_normal (skc_rng *rng)
{
  /* Box-Muller; one value per call keeps the stream simple. */
  double u = skc_rng_uniform (rng), v = skc_rng_uniform (rng);
  return sqrt (-2 * log (1 - u)) * cos (2 * M_PI * v);
}
