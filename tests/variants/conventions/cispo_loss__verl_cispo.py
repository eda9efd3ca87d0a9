# exercise: cispo_loss
# expect: cispo_skips_empty_rows
# also: cispo_no_mode_error, t4_nan_when_empty
# misses: precision, empty, extreme_ratios, option_error, detach
# style: verl's compute_policy_loss_cispo (b178a3c, core_algos.py:1722-1779): the log-ratio clamped to +-20, the
#   ratio clamped to [1 - clip_ratio_low, 1 + clip_ratio_high] and detached (no lower bound: clip_ratio_low = 1),
#   then agg_loss (count + 1e-8, rows without real tokens left out, "dr-grpo" as verl-project/verl 1dda039's
#   seq-mean-token-sum-norm, sum / (B T)); an unknown mode raises ValueError without the list
import torch


def agg_loss(loss_mat, loss_mask, loss_agg_mode):
    if loss_agg_mode == "token-mean":
        loss = (loss_mat * loss_mask).sum() / loss_mask.sum()
    elif loss_agg_mode == "seq-mean-token-sum":
        seq_losses = torch.sum(loss_mat * loss_mask, dim=-1)
        seq_mask = (torch.sum(loss_mask, dim=-1) > 0).float()
        loss = (seq_losses * seq_mask).sum() / seq_mask.sum()
    elif loss_agg_mode == "seq-mean-token-mean":
        seq_mask = torch.sum(loss_mask, dim=-1)
        seq_losses = torch.sum(loss_mat * loss_mask, dim=-1) / (seq_mask + 1e-8)
        seq_mask = (seq_mask > 0).float()
        loss = (seq_losses * seq_mask).sum() / seq_mask.sum()
    elif loss_agg_mode == "dr-grpo":
        loss = torch.sum(loss_mat * loss_mask) / (loss_mask.shape[0] * loss_mask.shape[-1])
    else:
        raise ValueError(f"Invalid loss_agg_mode: {loss_agg_mode}")
    return loss


def cispo_loss(logp, old_logp, advantages, mask, eps_low=None, eps_high=4.0, mode="token-mean"):
    clip_ratio_low = 1.0 if eps_low is None else eps_low
    clip_ratio_high = eps_high
    negative_approx_kl = logp - old_logp
    negative_approx_kl = torch.clamp(negative_approx_kl, min=-20.0, max=20.0)
    ratio = torch.exp(negative_approx_kl)
    clipped_ratio = torch.clamp(ratio, 1 - clip_ratio_low, 1 + clip_ratio_high)
    clipped_ratio_sg = clipped_ratio.detach()
    pg_losses = -clipped_ratio_sg * advantages.unsqueeze(-1) * logp
    return agg_loss(pg_losses, mask, mode)
