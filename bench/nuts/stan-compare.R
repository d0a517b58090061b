# Runs Stan's own NUTS (rstan) on the sampler's test targets and writes per-run sampler
# statistics to bench/nuts/results/stan.json, for bench/nuts/stan-compare.ts to set
# side by side with our sampler (same targets, same settings: 4 chains, iter 2000,
# warmup 1000, adapt_delta 0.8, max_treedepth 10, diagonal metric, inits (-2, 2)).
#
#   Rscript bench/nuts/stan-compare.R            # from the repo root; a few minutes
#
# Seeds differ between the two samplers (different RNGs), so compare distributions over
# seeds, not single numbers.
suppressPackageStartupMessages({ library(rstan); library(jsonlite) })

new_arrays <- utils::compareVersion(rstan::stan_version(), "2.26") >= 0
d <- 10
sc <- exp(-1.5 + 3 * (0:(d - 1)) / (d - 1))
targets <- list(
  gauss10 = list(
    code = "data { int d; vector[d] mu; matrix[d,d] S; } parameters { vector[d] x; } model { x ~ multi_normal(mu, S); }",
    data = list(d = d, mu = rep(0, d), S = outer(1:d, 1:d, function(i, j) sc[i] * sc[j] * 0.5^abs(i - j))),
    seeds = 1:5),
  funnel10 = list(
    code = "data { int d; } parameters { real v; vector[d-1] x; } model { v ~ normal(0, 3); x ~ normal(0, exp(v/2)); }",
    data = list(d = 10), seeds = 1:8),
  gammapoisson = list(
    code = paste0("data { int n; ", if (new_arrays) "array[n] int y;" else "int y[n];",
                  " real a; real b; } parameters { real<lower=0> lambda; } model { lambda ~ gamma(a, b); y ~ poisson(lambda); }"),
    data = list(n = 8, y = c(3, 5, 2, 4, 6, 1, 0, 3), a = 2, b = 0.5), seeds = 1:5)
)

stats_of <- function(fit) {
  sp <- get_sampler_params(fit, inc_warmup = TRUE)
  post <- do.call(rbind, lapply(sp, function(s) s[1001:2000, , drop = FALSE]))
  list(
    stepsize = sapply(sp, function(s) s[1001, "stepsize__"]),
    accept_stat = mean(post[, "accept_stat__"]),
    treedepth = mean(post[, "treedepth__"]),
    n_leapfrog = mean(post[, "n_leapfrog__"]),
    divergent = sum(post[, "divergent__"]),
    warmup_divergent = sum(sapply(sp, function(s) sum(s[1:1000, "divergent__"]))),
    max_treedepth_hits = sum(post[, "treedepth__"] >= 10)
  )
}

out <- list(stan_version = rstan::stan_version(), rstan_version = as.character(packageVersion("rstan")), targets = list())
for (name in names(targets)) {
  t <- targets[[name]]
  m <- stan_model(model_code = t$code)
  out$targets[[name]] <- lapply(t$seeds, function(s) {
    fit <- sampling(m, data = t$data, chains = 4, iter = 2000, warmup = 1000, seed = s, refresh = 0,
                    control = list(adapt_delta = 0.8, max_treedepth = 10))
    c(list(seed = s), stats_of(fit))
  })
}
dir.create("bench/nuts/results", showWarnings = FALSE, recursive = TRUE)
tmp <- "bench/nuts/results/stan.json.tmp"
writeLines(toJSON(out, auto_unbox = TRUE, digits = 8, pretty = TRUE), tmp)
file.rename(tmp, "bench/nuts/results/stan.json")
