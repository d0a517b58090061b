# Run-to-run spread of brms's elpd_loo on the long runs (4 x 11000) of one comparison model,
# over several seeds: the reference for judging one long run of ours against one of brms's
# (loo's MCSE is the Monte Carlo error of one run as loo estimates it).
#   Rscript scripts/brms/loo-repeat.R [model] [seed ...]     (default: zinb 20261127 5 6 7)
# Prints one line per seed: seed, elpd_loo, loo's MCSE. Same priors as fit-brms.R.
suppressMessages({ library(brms); library(loo) })
args <- commandArgs(trailingOnly = TRUE)
name <- if (length(args) >= 1) args[1] else "zinb"
seeds <- if (length(args) >= 2) as.integer(args[-1]) else c(20261127L, 5L, 6L, 7L)
res <- jsonlite::fromJSON(sprintf("scripts/brms/results/brms-%s.json", name))
d <- read.csv(res$data, stringsAsFactors = TRUE)
fam <- get(res$family, envir = asNamespace("brms"))()
pr <- do.call(c, lapply(seq_len(nrow(res$priors)), function(i)
  set_prior(res$priors$prior[i], class = res$priors$class[i])))
fit <- brm(as.formula(res$formula), data = d, family = fam, prior = pr, chains = 4, iter = 2000,
           warmup = 1000, cores = 1, seed = 1, refresh = 0, silent = 2)
for (s in seeds) {
  long <- update(fit, iter = 11000, warmup = 1000, seed = s, refresh = 0, silent = 2, recompile = FALSE)
  l <- loo(long)
  cat(sprintf("brms %s seed %d elpd_loo %.4f mcse %.4f\n", name, s, l$estimates["elpd_loo", 1], mcse_loo(l)))
}
