// Philox4x32-10 (Salmon et al., SC'11; the generator of TensorFlow and cuRAND), counter-based:
// block(counter) -> 4 x uint32, keyed by (seed, seed2). Stream layout shared by every random op:
//   counter words = [block lo, block hi, call counter lo, call counter hi | attempt << 24]
// so element i depends only on (seed, seed2, counter, i), whatever the thread split.
#pragma once
#include "core/attrs.h"
#include <cstdint>

// The same functions compile for the GPU (cuda/random.cu), so both devices draw identical bits.
#ifdef __CUDACC__
#define NF_HD __host__ __device__
#else
#define NF_HD
#endif

namespace nf::cpu {

constexpr uint32_t kPhiloxM0 = 0xD2511F53u, kPhiloxM1 = 0xCD9E8D57u;
constexpr uint32_t kPhiloxW0 = 0x9E3779B9u, kPhiloxW1 = 0xBB67AE85u;
constexpr int kPhiloxBatch = 64;   // blocks generated per vectorised batch

struct PhiloxStream {
    uint32_t k0, k1;   // key: (seed, seed2)
    uint32_t c2, c3;   // the op call's counter (validated < 2^53, so c3 < 2^21)
};

// Reads the attrs seed, seed2, counter (ranges checked by the ops' infer functions).
inline PhiloxStream philox_stream(const Attrs & attrs) {
    const uint64_t counter = (uint64_t)attrs.get_int("counter");
    return {(uint32_t)attrs.get_int("seed"), (uint32_t)attrs.get_int("seed2"),
            (uint32_t)counter, (uint32_t)(counter >> 32)};
}

// Ten rounds; the key is bumped between rounds (the bump after the last one is unused).
NF_HD inline void philox_rounds(uint32_t & c0, uint32_t & c1, uint32_t & c2, uint32_t & c3,
                          uint32_t k0, uint32_t k1) {
    for (int r = 0; r < 10; r++) {
        const uint64_t p0 = (uint64_t)kPhiloxM0 * c0, p1 = (uint64_t)kPhiloxM1 * c2;
        const uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0, n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
        c1 = (uint32_t)p1;
        c3 = (uint32_t)p0;
        c0 = n0;
        c2 = n2;
        k0 += kPhiloxW0;
        k1 += kPhiloxW1;
    }
}

// One block: the 4 outputs for block index b of retry `attempt` (0 for plain draws).
NF_HD
inline void philox_block(const PhiloxStream & s, uint64_t b, uint32_t attempt, uint32_t x[4]) {
    uint32_t c0 = (uint32_t)b, c1 = (uint32_t)(b >> 32), c2 = s.c2, c3 = s.c3 | (attempt << 24);
    philox_rounds(c0, c1, c2, c3, s.k0, s.k1);
    x[0] = c0, x[1] = c1, x[2] = c2, x[3] = c3;
}

// Blocks b0 .. b0 + kPhiloxBatch - 1 (attempt 0) into x[word][j]: a branch-free loop over j
// that the compiler vectorises (vpmuludq), the main cost of the uniform ops.
inline void philox_batch(const PhiloxStream & s, uint64_t b0, uint32_t (&x)[4][kPhiloxBatch]) {
    for (int j = 0; j < kPhiloxBatch; j++) {
        const uint64_t b = b0 + (uint64_t)j;
        uint32_t c0 = (uint32_t)b, c1 = (uint32_t)(b >> 32), c2 = s.c2, c3 = s.c3;
        philox_rounds(c0, c1, c2, c3, s.k0, s.k1);
        x[0][j] = c0, x[1][j] = c1, x[2][j] = c2, x[3][j] = c3;
    }
}

// ---- uint32 words to uniforms. 24 bits fill a float mantissa, 53 bits a double's.
NF_HD
inline float u01_f32(uint32_t x) { return (float)(x >> 8) * 0x1p-24f; }          // [0, 1)
NF_HD
inline float u01_open_f32(uint32_t x) { return (float)((x >> 8) + 1) * 0x1p-24f; } // (0, 1]
NF_HD inline uint64_t bits64(uint32_t hi, uint32_t lo) { return (uint64_t)hi << 32 | lo; }
NF_HD
inline double u01_f64(uint32_t hi, uint32_t lo) { return (double)(bits64(hi, lo) >> 11) * 0x1p-53; }
NF_HD inline double u01_open_f64(uint32_t hi, uint32_t lo) {
    return (double)((bits64(hi, lo) >> 11) + 1) * 0x1p-53;
}

} // namespace nf::cpu
