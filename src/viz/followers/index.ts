/** Figure builders for the follower model (notebook 05). Pure: each returns Plotly JSON. */
export * from './forest';
export * from './names';
export * from './conditional';
export * from './ppc';
export * from './trace';
