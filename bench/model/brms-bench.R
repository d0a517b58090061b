# brms/rstan side of the model benchmark (README, "Benchmarks": ≥ 30× faster end to end, same posterior);
# bench/model/versus-brms.ts runs it right after our fit on the same CSV.
# Usage: Rscript bench/model/brms-bench.R <data.csv> <out.json> [chains] [iter] [cores] [seed]
# Priors: brms 2.18 (Debian) defaults except the negbinomial shape, set to brms ≥ 2.21's
# inv_gamma(0.4, 0.3) so both engines sample the same posterior (docs/model-engine.md).
suppressMessages({ library(brms); library(posterior); library(jsonlite) })
args <- commandArgs(trailingOnly = TRUE)
data_file <- args[1]; out_file <- args[2]
chains <- if (length(args) >= 3) as.integer(args[3]) else 4L
iter <- if (length(args) >= 4) as.integer(args[4]) else 2000L
cores <- if (length(args) >= 5) as.integer(args[5]) else 2L
seed <- if (length(args) >= 6) as.integer(args[6]) else 2026L
d <- read.csv(data_file, stringsAsFactors = TRUE)
f <- bf(followers_count ~ sex + has_photo + platform + is_closed + friend_requests +
          messages + education + relation + (1 | first_name))
pr <- prior(inv_gamma(0.4, 0.3), class = shape)
print(get_prior(f, data = d, family = negbinomial()) )
load_start <- readLines("/proc/loadavg")
t0 <- Sys.time()
fit <- brm(f, data = d, family = negbinomial(), prior = pr, chains = chains, iter = iter,
           cores = cores, seed = seed, refresh = 0, silent = 2, backend = "rstan")
t1 <- Sys.time()
el <- rstan::get_elapsed_time(fit$fit)
dr <- as_draws_array(fit)
vars <- grep("^(b_|sd_|shape$)", variables(dr), value = TRUE)
s <- summarise_draws(subset_draws(dr, variable = vars), mean, sd,
                     ~quantile2(.x, probs = c(0.025, 0.975)), rhat, ess_bulk, ess_tail)
np <- nuts_params(fit)
res <- list(
  engine = "brms", brms = as.character(packageVersion("brms")), rstan = as.character(packageVersion("rstan")),
  load_average_start = load_start, load_average_end = readLines("/proc/loadavg"),
  rows = nrow(d), seed = seed, chains = chains, iter = iter, cores = cores,
  total_seconds = as.numeric(difftime(t1, t0, units = "secs")),
  sampling_seconds_sum_chains = sum(el),
  warmup_seconds_per_chain = as.numeric(el[, "warmup"]), sample_seconds_per_chain = as.numeric(el[, "sample"]),
  divergences = sum(np$Value[np$Parameter == "divergent__"]),
  min_ess_bulk = min(s$ess_bulk), max_rhat = max(s$rhat),
  min_ess_bulk_per_second = min(s$ess_bulk) / as.numeric(difftime(t1, t0, units = "secs")),
  parameters = setNames(lapply(seq_len(nrow(s)), function(i) as.list(s[i, -1])), s$variable))
write_json(res, out_file, auto_unbox = TRUE, digits = NA, pretty = TRUE)
print(summary(fit))
cat(sprintf("total %.1f s\n", res$total_seconds))
