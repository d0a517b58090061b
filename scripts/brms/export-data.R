# Exports the data sets used to compare our engine with brms:
#   data/public/epilepsy.csv    brms::epilepsy    (Thall & Vail 1990; brms, GPL-2)
#   data/public/quine.csv       MASS::quine       (Quine 1975 via Aitkin 1978; MASS, GPL-2 | GPL-3)
#   data/public/sleepstudy.csv  lme4::sleepstudy  (Belenky et al. 2003; lme4, GPL-2 | GPL-3)
#   data/public/zinb-sites.csv  simulated here (seed 20261201): zero-inflated negative binomial
#                               counts with a site effect, for the zero-inflated comparison
#
#   Rscript scripts/brms/export-data.R      # from the repository root
#
# epilepsy's treatment factor Trt is stored by brms as "0"/"1"; a CSV column of 0/1 would
# read back as a number, so it is written as "placebo"/"treated" (same order, so the same
# reference level and the same estimates; brms names the term `Trttreated`).
suppressPackageStartupMessages({
  library(brms)
  library(MASS)
  library(lme4)
})

write_atomic <- function(df, path) {
  tmp <- paste0(path, ".tmp")
  write.csv(df, tmp, row.names = FALSE, quote = TRUE)
  invisible(file.rename(tmp, path))
}

dir.create("data/public", showWarnings = FALSE, recursive = TRUE)

ep <- brms::epilepsy
ep$Trt <- factor(ifelse(as.character(ep$Trt) == "1", "treated", "placebo"))
ep <- ep[, c("count", "zAge", "zBase", "Trt", "patient", "visit", "Age", "Base", "obs")]
write_atomic(ep, "data/public/epilepsy.csv")

qu <- MASS::quine
qu <- qu[, c("Days", "Eth", "Sex", "Age", "Lrn")]
write_atomic(qu, "data/public/quine.csv")

ss <- lme4::sleepstudy[, c("Reaction", "Days", "Subject")]
write_atomic(ss, "data/public/sleepstudy.csv")

# Zero-inflated counts: 24 sites x 20 plots; structural zeros with probability 0.25, else
# NB2(mu, shape = 2) with log mu = 1.2 + 0.5 x - 0.4 [treated] + r_site, r_site ~ N(0, 0.5^2).
# x is rounded to 2 decimals so the CSV holds exactly the values that were simulated.
set.seed(20261201)
J <- 24L; per <- 20L
site <- rep(sprintf("s%02d", seq_len(J)), each = per)
x <- round(rnorm(J * per), 2)
treat <- sample(c("control", "treated"), J * per, replace = TRUE)
r <- rnorm(J, 0, 0.5)
mu <- exp(1.2 + 0.5 * x - 0.4 * (treat == "treated") + r[match(site, unique(site))])
count <- ifelse(runif(J * per) < 0.25, 0L, rnbinom(J * per, mu = mu, size = 2))
write_atomic(data.frame(count, x, treat, site), "data/public/zinb-sites.csv")

cat("wrote data/public/{epilepsy,quine,sleepstudy,zinb-sites}.csv (", nrow(ep), nrow(qu), nrow(ss),
    J * per, "rows)\n")
