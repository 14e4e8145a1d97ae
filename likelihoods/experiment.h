#pragma once
// One experiment's ln L term, for any model. An experiment never asks which model it has: it asks
// the model point for the physics it needs (ModelPoint), so every experiment accepts every model.
#include "likelihood.h"
#include "neutrino_sector.h"

#include <span>
#include <string>
#include <vector>

namespace nubayes {

/// e⁺e⁻ pairs that the model's new particles leave in MiniBooNE and that its νe selection accepts,
/// in events per POT (dark_signal.h); empty spans when the model makes none.
struct MiniBooNEPairs {
  std::span<const double> fhc_enu; ///< ν mode, per E_ν^QE bin
  std::span<const double> rhc_enu; ///< ν̄ mode, per E_ν^QE bin
  std::span<const double> fhc_cos; ///< ν mode, per cos θ bin
  bool present() const { return !fhc_enu.empty(); }
};

/// The model in hand at one parameter point, as experiments see it.
struct ModelPoint {
  ModelPoint() = default;
  /// A point with only a neutrino sector (no pair signal), e.g. a 3+1 point.
  ModelPoint(const NeutrinoSector& n) : neutrinos(n) {} // NOLINT: implicit on purpose
  NeutrinoSector neutrinos; ///< flavour transitions (neutrino_sector.h)
  MiniBooNEPairs miniboone_pairs;
  /// Strength x of an electron-like excess of fixed shape in the Booster Neutrino Beam (the
  /// lee-template model, lee_template_likelihood.h): x = 1 is MiniBooNE's 2018 excess and
  /// MicroBooNE's eLEE model. 0 for every other model.
  double electron_like_excess = 0;
};

/// A flavour channel an experiment measures, for `nubayes eval`'s per-term report.
struct ChannelUse {
  Flavour from, to;
  std::string what; ///< e.g. "P(numubar->nuebar), DAR"
};

/// The reasons, shared by several experiments, why a model's e⁺e⁻ pairs or electron-like excess
/// add nothing.
namespace pair_reasons {
/// Reactors and gallium sources: E_ν < 10 MeV.
inline constexpr const char* kBelowThreshold =
    "none: E_nu < 10 MeV, far below the up-scattering threshold E_nu > m_heavy (>= 50 MeV)";
/// Every selection but the Booster Neutrino Beam's νe ones (the excess template's only home).
inline constexpr const char* kNotInTheBeam =
    "none: the template is an electron-like excess in the Booster Neutrino Beam's nu_e "
    "selections only";
/// Selections that need a muon (νμ CC).
inline constexpr const char* kNeedsMuon =
    "none: the selection needs a muon (numu CC); an e+e- pair from N or nu4 decay has none";
} // namespace pair_reasons

class Experiment {
public:
  virtual ~Experiment() = default;
  virtual std::string name() const = 0;
  /// ln L at the point; `chi2` receives the χ² (the data-driven part, for reporting).
  virtual double loglike(const ModelPoint& m, double& chi2) const = 0;
  virtual std::string fingerprint() const = 0;
  /// Predicted distributions beside their data (for posterior-predictive plots).
  virtual std::vector<Observable> observables(const ModelPoint&) const { return {}; }
  /// The flavour channels the term uses.
  virtual std::vector<ChannelUse> channels() const = 0;
  /// What the term takes of a model's e⁺e⁻ pairs, and why (docs/models_on_experiments.md).
  virtual std::string pair_signal() const = 0;
  /// True if the term needs a prediction that only a pair signal gives (a cos θ shape).
  virtual bool needs_pair_signal() const { return false; }
  /// What the term takes of an electron-like excess (ModelPoint::electron_like_excess), and why.
  virtual std::string excess_signal() const { return pair_reasons::kNotInTheBeam; }
};

/// An experiment whose model object gives a χ² (Gaussian data) from the neutrino sector:
/// ln L = −χ²/2. `Chi2Model::chi2(const NeutrinoSector&)`.
template <class Chi2Model>
class Chi2Experiment : public Experiment {
public:
  template <class Options>
  Chi2Experiment(std::string name, std::vector<ChannelUse> channels, std::string pair_signal,
                 const Options& options)
      : name_(std::move(name)), channels_(std::move(channels)),
        pair_signal_(std::move(pair_signal)), model_(options) {}
  std::string name() const override { return name_; }
  double loglike(const ModelPoint& m, double& chi2) const override {
    chi2 = model_.chi2(m.neutrinos);
    return -0.5 * chi2;
  }
  std::string fingerprint() const override { return model_.fingerprint(); }
  std::vector<ChannelUse> channels() const override { return channels_; }
  std::string pair_signal() const override { return pair_signal_; }

private:
  std::string name_;
  std::vector<ChannelUse> channels_;
  std::string pair_signal_;
  Chi2Model model_;
};

} // namespace nubayes
