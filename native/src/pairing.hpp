// The Groth16 check of a proof in C++: e(−A, B)·e(vk_x, γ)·e(C, δ)·e(α, β) = 1, with the reduced Tate
// pairing — short and easy to check rather than the fastest (the optimal ate loop would be 4× shorter): one
// Miller loop over r for all the pairs, on the G1 arguments in Jacobian coordinates (lines scaled by Fq
// factors instead of inverting), evaluated at the untwisted G2 points ψ(x', y') = (x'·w², y'·w³) in
// Fq12 = Fq2[w]/(w⁶ − ξ), ξ = 9 + u; vertical lines dropped (their values lie in Fq6, which the final
// exponentiation (p¹² − 1)/r sends to 1, as it does any factor in Fq).
#pragma once
#include "curve.hpp"

namespace mp {

bool pairingProductIsOne(const G1::Aff *ps, const G2::Aff *qs, int n);

}  // namespace mp
