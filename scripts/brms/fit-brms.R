# Fits the comparison models with brms (Stan NUTS) and writes, per model, the posterior
# summary of every reported parameter (a standard 4 x 2000 run and a long 4 x 11000 run
# of the same compiled model), PSIS-LOO of both runs, the priors used, and timings to
# scripts/brms/results/brms-<model>.json. The node runner (compare.js) fits the same
# models with our engine under exactly these priors and writes docs/brms-comparison.md.
#
#   Rscript scripts/brms/export-data.R && Rscript scripts/brms/fit-brms.R [model ...]   # from the repo root
#
# Priors: brms's own defaults (get_prior) are set explicitly, except the negbinomial
# shape prior, which is inv_gamma(0.4, 0.3) as in brms >= 2.21 (Debian ships 2.18,
# whose default is gamma(0.01, 0.01)); the same strings are handed to our engine.
suppressPackageStartupMessages({
  library(brms)
  library(posterior)
  library(loo)
  library(jsonlite)
})

models <- list(
  epilepsy = list(data = "data/public/epilepsy.csv",
                  formula = "count ~ zAge + zBase * Trt + (1 | patient)",
                  family = "poisson"),
  quine = list(data = "data/public/quine.csv",
               formula = "Days ~ Eth + Sex + Age + Lrn",
               family = "negbinomial"),
  sleepstudy = list(data = "data/public/sleepstudy.csv",
                    formula = "Reaction ~ Days + (Days | Subject)",
                    family = "gaussian"),
  zinb = list(data = "data/public/zinb-sites.csv",
              formula = "count ~ x + treat + (1 | site)",
              family = "zero_inflated_negbinomial")
)
only <- commandArgs(trailingOnly = TRUE)
if (length(only)) models <- models[only]

seed <- 20261126
long_iter <- 11000

summarise <- function(fit) {
  dr <- as_draws_array(fit)
  keep <- grep("^(b_|sd_|cor_|shape$|sigma$|zi$|hu$|r_)", variables(dr), value = TRUE)
  s <- summarise_draws(subset_draws(dr, variable = keep), mean, sd,
                       ~quantile(.x, c(0.025, 0.975), type = 7, names = FALSE),
                       rhat, ess_bulk, ess_tail)
  params <- lapply(seq_len(nrow(s)), function(i) list(
    mean = s$mean[i], sd = s$sd[i], q2.5 = s[[4]][i], q97.5 = s[[5]][i],
    rhat = s$rhat[i], ess_bulk = s$ess_bulk[i], ess_tail = s$ess_tail[i]))
  names(params) <- s$variable
  params
}
# PSIS-LOO as brms computes it (r_eff from the chains); the MCSE of elpd_loo is loo's own
# (by simulation in loo < 2.7), the pointwise values let the runner compare per observation.
loo_summary <- function(fit) {
  l <- loo(fit)
  k <- l$diagnostics$pareto_k
  list(
    loo_version = as.character(packageVersion("loo")),
    elpd_loo = unname(l$estimates["elpd_loo", ]), p_loo = unname(l$estimates["p_loo", ]),
    looic = unname(l$estimates["looic", ]),
    mcse_elpd_loo = loo::mcse_loo(l),
    k_above_0.7 = sum(k > 0.7), k_max = max(k),
    pointwise_elpd = unname(l$pointwise[, "elpd_loo"])
  )
}
dir.create("scripts/brms/results", showWarnings = FALSE, recursive = TRUE)

for (name in names(models)) {
  m <- models[[name]]
  d <- read.csv(m$data, stringsAsFactors = TRUE)
  f <- as.formula(m$formula)
  fam <- get(m$family, envir = asNamespace("brms"))()
  pr <- get_prior(f, data = d, family = fam)
  pr <- pr[pr$prior != "" & pr$coef == "" & pr$group == "", ]
  pr$prior[pr$class == "shape"] <- "inv_gamma(0.4, 0.3)"
  cat("== ", name, ": priors\n", sep = "")
  print(as.data.frame(pr)[, c("prior", "class")], row.names = FALSE)

  # The standard run (brms's defaults: 4 chains x 2000) gives the timings; a long run of
  # the same compiled model (update() does not recompile) gives reference values precise
  # enough for the 0.1-sd check, whose Monte Carlo noise at ESS ~600 per side is ~0.06 sd.
  t0 <- Sys.time()
  fit <- brm(f, data = d, family = fam, prior = pr, chains = 4, iter = 2000, warmup = 1000,
             cores = 1, seed = seed, refresh = 0, silent = 2)
  total <- as.numeric(difftime(Sys.time(), t0, units = "secs"))
  el <- rstan::get_elapsed_time(fit$fit)
  long <- update(fit, iter = long_iter, warmup = 1000, seed = seed + 1, refresh = 0, silent = 2,
                 recompile = FALSE)

  out <- list(
    model = name, data = m$data, rows = nrow(d), formula = m$formula, family = m$family,
    priors = lapply(seq_len(nrow(pr)), function(i) list(prior = pr$prior[i], class = pr$class[i])),
    settings = list(chains = 4, iter = 2000, warmup = 1000, seed = seed, cores = 1),
    long_settings = list(chains = 4, iter = long_iter, warmup = 1000, seed = seed + 1, cores = 1),
    brms_version = as.character(packageVersion("brms")),
    rstan_version = as.character(packageVersion("rstan")),
    divergences = sum(subset(nuts_params(fit), Parameter == "divergent__")$Value),
    timings = list(total_with_compile = total,
                   warmup = sum(el[, "warmup"]), sampling = sum(el[, "sample"])),
    parameters = summarise(fit),
    long_parameters = summarise(long),
    loo = loo_summary(fit),
    long_loo = loo_summary(long),
    bayes_R2 = as.list(bayes_R2(fit)[1, ])
  )
  path <- sprintf("scripts/brms/results/brms-%s.json", name)
  tmp <- paste0(path, ".tmp")
  writeLines(toJSON(out, digits = I(10), auto_unbox = TRUE, pretty = TRUE), tmp)
  invisible(file.rename(tmp, path))
  cat("wrote", path, sprintf("(%.1f s total, %.1f s sampling)\n", total, sum(el)))
}
